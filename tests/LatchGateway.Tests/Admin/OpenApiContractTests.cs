using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using LatchGateway.Contracts;
using LatchGateway.Tests.Access;
using LatchGateway.Tests.Infrastructure;
using static LatchGateway.Tests.Admin.OpenApiDocument;

namespace LatchGateway.Tests.Admin;

/// <summary>
/// What a client generator needs from <c>/openapi/v1.json</c>, and that the document tells the truth: stable
/// operationIds, the scope of each call, typed and bounded parameters that the API accepts as documented, the
/// headers answers carry, problem answers, examples.
/// </summary>
public sealed partial class OpenApiContractTests(AccessGatewayFixture fixture) : IClassFixture<AccessGatewayFixture>
{
    /// <summary>Every operation, its operationId (what generated clients name their methods) and the scope of its API key.</summary>
    public static TheoryData<string, string, string, string?> Contract => new()
    {
        { "post", "/admin/codes", "issueCode", "codes:issue" },
        { "get", "/admin/codes", "listCodes", "codes:read" },
        { "get", "/admin/codes/{id}", "getCode", "codes:read" },
        { "delete", "/admin/codes/{id}", "revokeCode", "codes:revoke" },
        { "get", "/admin/sessions", "listSessions", "codes:read" },
        { "delete", "/admin/sessions/{id}", "endSession", "codes:revoke" },
        { "get", "/admin/routes", "listRoutes", "codes:read" },
        { "get", "/admin/audit", "listAuditEvents", "audit:read" },
        { "get", "/admin/audit/export", "exportAudit", "audit:read" },
        { "post", "/admin/notifications/test", "testNotificationChannel", "notifications:test" },
        { "post", "/access/requests", "createAccessRequest", null },
        { "get", "/access/requests", "listAccessRequests", "access:read" },
        { "get", "/access/requests/{id}", "getAccessRequest", "access:read" },
        { "post", "/access/requests/{id}/approve", "approveAccessRequest", null },
        { "post", "/access/requests/{id}/deny", "denyAccessRequest", null },
        { "post", "/access/requests/{id}/cancel", "cancelAccessRequest", null },
        { "post", "/access/requests/{id}/code", "pickUpAccessCode", null },
    };

    [Fact]
    public async Task Every_operation_has_a_unique_camelCase_operationId_and_they_are_the_documented_ones()
    {
        var document = await GetAsync(fixture.Gateway);

        var ids = Operations(document).Select(o => o.Operation.TryGetProperty("operationId", out var id) ? id.GetString() : $"(none: {o.Method} {o.Path})").ToList();

        Assert.All(ids, id => Assert.Matches(CamelCase(), id!));
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(Contract.Select(row => (string)row[2]).Order(StringComparer.Ordinal), ids.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Contract))]
    public async Task Each_operation_declares_who_may_call_it_and_the_scope_its_key_needs(string method, string path, string operationId, string? scope)
    {
        var document = await GetAsync(fixture.Gateway);
        var operation = document.GetProperty("paths").GetProperty(path).GetProperty(method);
        Assert.Equal(operationId, operation.GetProperty("operationId").GetString());

        var requirements = operation.GetProperty("security").EnumerateArray()
            .Select(r => r.EnumerateObject().Single())
            .ToDictionary(s => s.Name, s => s.Value.EnumerateArray().Select(v => v.GetString()).ToList());
        var declared = operation.GetProperty("x-required-scopes").EnumerateArray().Select(v => v.GetString()).ToList();
        var description = operation.GetProperty("description").GetString()!;
        if (path.StartsWith("/access/", StringComparison.Ordinal))
        {
            Assert.Equal([], requirements["Bearer"]);
            Assert.Contains("JWT", description, StringComparison.Ordinal);
        }

        if (scope is null)
        {
            Assert.DoesNotContain("LatchApiKey", requirements.Keys);
            Assert.Empty(declared);
        }
        else
        {
            Assert.Equal([scope], requirements["LatchApiKey"]);
            Assert.Equal([scope], declared);
            Assert.Contains($"`{scope}`", description, StringComparison.Ordinal);
        }

        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("LatchApiKey");
        Assert.Equal("X-Api-Key", scheme.GetProperty("name").GetString());
    }

    [Theory]
    [InlineData("listCodes")]
    [InlineData("listAuditEvents")]
    [InlineData("listAccessRequests")]
    public async Task Limits_are_integers_from_1_to_1000_defaulting_to_100(string operationId)
    {
        var document = await GetAsync(fixture.Gateway);

        var limit = Parameter(Operation(document, operationId), "limit").GetProperty("schema");

        Assert.Equal("integer", limit.GetProperty("type").GetString());
        Assert.Equal(1, limit.GetProperty("minimum").GetInt32());
        Assert.Equal(1000, limit.GetProperty("maximum").GetInt32());
        Assert.Equal(100, limit.GetProperty("default").GetInt32());
    }

    [Fact]
    public async Task The_code_list_pages_with_a_cursor_and_a_Link_header()
    {
        var document = await GetAsync(fixture.Gateway);
        var list = Operation(document, "listCodes");

        Assert.Equal(["route", "user", "limit", "cursor"], list.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()));
        Assert.Equal("string", Parameter(list, "cursor").GetProperty("schema").GetProperty("type").GetString());
        Assert.Equal("query", Parameter(list, "cursor").GetProperty("in").GetString());
        var ok = list.GetProperty("responses").GetProperty("200");
        Assert.True(HasHeader(ok, "Link"), ok.ToString());
        Assert.Contains("rel=\"next\"", ok.GetProperty("headers").GetProperty("Link").GetProperty("example").GetString(), StringComparison.Ordinal);
        Assert.Contains("400", Responses(list).Select(r => r.Status));
    }

    [Fact]
    public async Task Every_parameter_is_described_and_typed_and_ids_have_their_pattern()
    {
        var document = await GetAsync(fixture.Gateway);

        foreach (var (path, method, operation) in Operations(document))
        {
            var parameters = operation.TryGetProperty("parameters", out var list) ? list.EnumerateArray().ToList() : [];
            foreach (var parameter in parameters)
            {
                var name = $"{method} {path} {parameter.GetProperty("name").GetString()}";
                Assert.False(string.IsNullOrWhiteSpace(parameter.GetProperty("description").GetString()), name);
                Assert.True(OpenApiJson.Resolve(document, parameter.GetProperty("schema")).TryGetProperty("type", out _), name);
                if (parameter.GetProperty("in").GetString() == "path")
                {
                    Assert.True(parameter.GetProperty("required").GetBoolean(), name);
                    Assert.StartsWith("^", parameter.GetProperty("schema").GetProperty("pattern").GetString(), StringComparison.Ordinal);
                }
            }
        }
    }

    [Fact]
    public async Task Times_are_date_times_and_closed_sets_are_enums()
    {
        var document = await GetAsync(fixture.Gateway);
        var audit = Operation(document, "listAuditEvents");
        var export = Operation(document, "exportAudit");

        foreach (var time in new[] { Parameter(audit, "since"), Parameter(export, "since"), Parameter(export, "until") })
        {
            Assert.Equal("date-time", time.GetProperty("schema").GetProperty("format").GetString());
        }

        Assert.Equal(AuditEventTypes.All, Enum(document, Parameter(audit, "type")));
        Assert.Equal("#/components/schemas/AuditEventType", Parameter(audit, "type").GetProperty("schema").GetProperty("$ref").GetString());
        Assert.Equal(["jsonl", "csv"], Enum(document, Parameter(export, "format")));
        Assert.Equal(["pending", "granted", "denied", "expired", "cancelled", "issued"], Enum(document, Parameter(Operation(document, "listAccessRequests"), "state")));
        Assert.Equal("boolean", Parameter(Operation(document, "listAccessRequests"), "mine").GetProperty("schema").GetProperty("type").GetString());
    }

    [Fact]
    public async Task The_API_accepts_every_documented_value_and_refuses_others_naming_the_parameter()
    {
        var document = await GetAsync(fixture.Gateway);
        using var ops = fixture.Gateway.CreateAdminClient();
        using var auditor = AccessHttp.Client(fixture.Gateway, apiKey: AccessHttp.AuditorKey);

        foreach (var type in Enum(document, Parameter(Operation(document, "listAuditEvents"), "type")))
        {
            using var response = await ops.GetAsync($"admin/audit?type={type}&limit=1000&since=2026-01-31T12:00:00Z");
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"type={type}: {(int)response.StatusCode}");
        }

        foreach (var state in Enum(document, Parameter(Operation(document, "listAccessRequests"), "state")))
        {
            using var response = await auditor.GetAsync($"access/requests?state={state}&mine=false&limit=1");
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"state={state}: {(int)response.StatusCode}");
        }

        foreach (var (client, path, field) in new[]
        {
            (ops, "admin/audit?type=opened", "type"),
            (ops, "admin/audit?limit=1001", "limit"),
            (ops, "admin/audit?since=yesterday", "since"),
            (ops, "admin/codes?limit=0", "limit"),
            (ops, "admin/audit/export?format=xml", "format"),
            (auditor, "access/requests?state=open", "state"),
            (auditor, "access/requests?limit=1001", "limit"),
        })
        {
            using var response = await client.GetAsync(path);
            var problem = await LatchHttp.AssertProblemAsync(response, HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{path}: {problem}");
        }
    }

    [Fact]
    public async Task Answers_declare_Location_Retry_After_and_WWW_Authenticate_where_they_carry_them()
    {
        var document = await GetAsync(fixture.Gateway);
        var created = 0;

        foreach (var (path, method, operation) in Operations(document))
        {
            foreach (var (status, response) in Responses(operation))
            {
                var where = $"{method} {path} {status}";
                switch (status)
                {
                    case "201":
                        created++;
                        Assert.True(HasHeader(response, "Location"), where);
                        break;
                    case "429" or "503":
                        Assert.True(HasHeader(response, "Retry-After"), where);
                        Assert.Equal("integer", response.GetProperty("headers").GetProperty("Retry-After").GetProperty("schema").GetProperty("type").GetString());
                        break;
                    case "401":
                        Assert.True(HasHeader(response, "WWW-Authenticate"), where);
                        break;
                }
            }

            Assert.Contains("401", Responses(operation).Select(r => r.Status));
            Assert.Contains("503", Responses(operation).Select(r => r.Status));
        }

        Assert.Equal(3, created);
        Assert.Contains("429", Responses(Operation(document, "issueCode")).Select(r => r.Status));
    }

    [Fact]
    public async Task Every_error_answer_is_problem_json_with_the_error_member_and_an_example()
    {
        var document = await GetAsync(fixture.Gateway);

        foreach (var (path, method, operation) in Operations(document))
        {
            foreach (var (status, response) in Responses(operation).Where(r => r.Status[0] is '4' or '5'))
            {
                var where = $"{method} {path} {status}";
                var content = response.GetProperty("content");
                Assert.Equal(["application/problem+json"], content.EnumerateObject().Select(c => c.Name));
                var problem = content.GetProperty("application/problem+json");
                var schema = OpenApiJson.Resolve(document, problem.GetProperty("schema"));
                Assert.True(schema.GetProperty("properties").TryGetProperty("error", out _), where);
                Assert.True(schema.GetProperty("properties").TryGetProperty("status", out _), where);
                Assert.Equal(int.Parse(status, System.Globalization.CultureInfo.InvariantCulture), problem.GetProperty("example").GetProperty("status").GetInt32());
            }
        }

        var unavailable = Operation(document, "listCodes").GetProperty("responses").GetProperty("503").GetProperty("content").GetProperty("application/problem+json");
        Assert.Equal("latch_unavailable", unavailable.GetProperty("example").GetProperty("error").GetString());
    }

    [Fact]
    public async Task Bodies_and_answers_have_examples_and_the_code_in_them_is_an_obvious_placeholder()
    {
        var document = await GetAsync(fixture.Gateway);

        foreach (var (path, method, operation) in Operations(document))
        {
            if (operation.TryGetProperty("requestBody", out var body))
            {
                Assert.True(body.GetProperty("content").GetProperty("application/json").TryGetProperty("example", out _), $"{method} {path} body");
            }

            foreach (var (status, response) in Responses(operation).Where(r => r.Status[0] == '2' && r.Response.TryGetProperty("content", out _)))
            {
                foreach (var content in response.GetProperty("content").EnumerateObject())
                {
                    Assert.True(content.Value.TryGetProperty("example", out _), $"{method} {path} {status} {content.Name}");
                }
            }
        }

        foreach (var operationId in new[] { "issueCode", "pickUpAccessCode" })
        {
            var issued = Operation(document, operationId).GetProperty("responses").GetProperty("201").GetProperty("content").GetProperty("application/json").GetProperty("example");
            Assert.Equal("ABCDE-FGHJK", issued.GetProperty("code").GetString());
        }
    }

    [Fact]
    public async Task The_audit_export_is_text_read_line_by_line_not_one_JSON_document()
    {
        var document = await GetAsync(fixture.Gateway);

        var ok = Operation(document, "exportAudit").GetProperty("responses").GetProperty("200").GetProperty("content");

        Assert.Equal(["application/x-ndjson", "text/csv"], ok.EnumerateObject().Select(c => c.Name).Order(StringComparer.Ordinal));
        foreach (var content in ok.EnumerateObject())
        {
            Assert.Equal("string", content.Value.GetProperty("schema").GetProperty("type").GetString());
            Assert.EndsWith("\n", content.Value.GetProperty("example").GetString(), StringComparison.Ordinal);
        }

        var line = ok.GetProperty("application/x-ndjson").GetProperty("example").GetString()!.TrimEnd('\n');
        Assert.Equal("issued", JsonSerializer.Deserialize<JsonElement>(line).GetProperty("type").GetString());
    }

    [Fact]
    public async Task The_server_has_no_trailing_slash_and_every_tag_is_described()
    {
        var document = await GetAsync(fixture.Gateway);

        var server = Assert.Single(document.GetProperty("servers").EnumerateArray()).GetProperty("url").GetString()!;
        Assert.Equal(fixture.Gateway.AdminAddress.ToString().TrimEnd('/'), server);
        Assert.All(document.GetProperty("tags").EnumerateArray(), tag => Assert.False(string.IsNullOrEmpty(tag.GetProperty("description").GetString()), tag.ToString()));
    }

    /// <summary>The values of an enum parameter, its schema a component (so generated clients name the type) or inline.</summary>
    private static List<string> Enum(JsonElement document, JsonElement parameter) =>
        [.. OpenApiJson.Resolve(document, parameter.GetProperty("schema")).GetProperty("enum").EnumerateArray().Select(v => v.GetString()!)];

    [GeneratedRegex("^[a-z][A-Za-z]+$")]
    private static partial Regex CamelCase();
}
