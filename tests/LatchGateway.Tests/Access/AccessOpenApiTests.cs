using System.Net;
using System.Text.Json;
using LatchGateway.Tests.Infrastructure;
using static LatchGateway.Tests.Infrastructure.OpenApiJson;

namespace LatchGateway.Tests.Access;

/// <summary>
/// The access API in <c>/openapi/v1.json</c>, as a client generator reads it: every call with each answer it can
/// give, its request body's schema, the answers' schemas, and the Bearer scheme people authenticate with.
/// </summary>
public sealed class AccessOpenApiTests(AccessGatewayFixture fixture) : IClassFixture<AccessGatewayFixture>
{
    public static TheoryData<string, string, string[]> Operations => new()
    {
        { "/access/requests", "post", ["201", "400", "401", "403", "413", "503"] },
        { "/access/requests", "get", ["200", "400", "401", "403", "503"] },
        { "/access/requests/{id}", "get", ["200", "401", "403", "404", "503"] },
        { "/access/requests/{id}/approve", "post", ["200", "400", "401", "403", "404", "409", "503"] },
        { "/access/requests/{id}/deny", "post", ["200", "400", "401", "403", "404", "409", "503"] },
        { "/access/requests/{id}/cancel", "post", ["200", "401", "403", "404", "409", "503"] },
        { "/access/requests/{id}/code", "post", ["201", "401", "403", "404", "409", "503"] },
    };

    [Theory]
    [MemberData(nameof(Operations))]
    public async Task Every_access_call_documents_each_answer_it_gives_and_the_Bearer_requirement(string path, string method, string[] statuses)
    {
        var document = await GetDocumentAsync();

        var operation = Operation(document, path, method);

        Assert.Superset(statuses.ToHashSet(), Responses(operation).ToHashSet());
        Assert.DoesNotContain("500", Responses(operation));
        foreach (var status in Responses(operation).Where(s => s[0] is '4' or '5'))
        {
            Assert.True(
                operation.GetProperty("responses").GetProperty(status).GetProperty("content").TryGetProperty("application/problem+json", out _),
                $"{method} {path} {status} is not problem+json");
        }

        var schemes = operation.GetProperty("security").EnumerateArray().SelectMany(r => r.EnumerateObject().Select(s => s.Name)).ToList();
        Assert.Contains("Bearer", schemes);
    }

    [Fact]
    public async Task The_Bearer_scheme_is_http_bearer_JWT()
    {
        var document = await GetDocumentAsync();

        var bearer = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer");

        Assert.Equal("http", bearer.GetProperty("type").GetString());
        Assert.Equal("bearer", bearer.GetProperty("scheme").GetString());
        Assert.Equal("JWT", bearer.GetProperty("bearerFormat").GetString());
    }

    [Fact]
    public async Task Asking_takes_the_contracts_body_and_answers_an_access_request()
    {
        var document = await GetDocumentAsync();
        var post = Operation(document, "/access/requests", "post");

        var body = post.GetProperty("requestBody");
        Assert.True(body.GetProperty("required").GetBoolean());
        var schema = Resolve(document, body.GetProperty("content").GetProperty("application/json").GetProperty("schema"));
        Assert.Equal(
            new[] { "route", "reason", "ttlSeconds", "sessionSeconds", "ip", "breakGlass" }.Order(StringComparer.Ordinal),
            schema.GetProperty("properties").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.DoesNotContain("string", schema.GetProperty("properties").GetProperty("ttlSeconds").GetProperty("type").ToString(), StringComparison.Ordinal);
        AssertRequestSchema(document, Answer(document, post, "201"));
    }

    [Fact]
    public async Task Reviews_take_a_reason_required_for_a_denial_and_answer_the_request()
    {
        var document = await GetDocumentAsync();
        var approve = Operation(document, "/access/requests/{id}/approve", "post");
        var deny = Operation(document, "/access/requests/{id}/deny", "post");

        Assert.False(approve.GetProperty("requestBody").TryGetProperty("required", out var optional) && optional.GetBoolean());
        Assert.True(deny.GetProperty("requestBody").GetProperty("required").GetBoolean());
        foreach (var operation in new[] { approve, deny })
        {
            var schema = Resolve(document, operation.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema"));
            Assert.Equal(["reason"], schema.GetProperty("properties").EnumerateObject().Select(p => p.Name));
            AssertRequestSchema(document, Answer(document, operation, "200"));
        }

        AssertRequestSchema(document, Answer(document, Operation(document, "/access/requests/{id}/cancel", "post"), "200"));
        AssertRequestSchema(document, Answer(document, Operation(document, "/access/requests/{id}", "get"), "200"));
    }

    [Fact]
    public async Task Listing_documents_its_filters_and_answers_an_array_of_requests()
    {
        var document = await GetDocumentAsync();
        var get = Operation(document, "/access/requests", "get");

        Assert.Superset(new HashSet<string> { "state", "route", "mine", "reviewable", "limit" }, Parameters(get).ToHashSet());
        var array = Answer(document, get, "200");
        Assert.Equal("array", array.GetProperty("type").GetString());
        AssertRequestSchema(document, Resolve(document, array.GetProperty("items")));
    }

    [Fact]
    public async Task Picking_up_answers_the_issue_response()
    {
        var document = await GetDocumentAsync();

        var issued = Answer(document, Operation(document, "/access/requests/{id}/code", "post"), "201");

        Assert.Equal(
            AccessHttp.IssueMembers.Order(StringComparer.Ordinal),
            issued.GetProperty("properties").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
    }

    /// <summary>The contract's members, and <c>state</c> as the contract's lower-case names.</summary>
    private static void AssertRequestSchema(JsonElement document, JsonElement schema)
    {
        var properties = schema.GetProperty("properties");
        Assert.Equal(AccessHttp.RequestMembers.Order(StringComparer.Ordinal), properties.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        var state = Resolve(document, properties.GetProperty("state"));
        Assert.Equal(
            new[] { "pending", "granted", "denied", "expired", "cancelled", "issued" }.Order(StringComparer.Ordinal),
            state.GetProperty("enum").EnumerateArray().Select(e => e.GetString()).Order(StringComparer.Ordinal));
    }

    private async Task<JsonElement> GetDocumentAsync()
    {
        using var client = new HttpClient { BaseAddress = fixture.Gateway.AdminAddress };
        using var response = await client.GetAsync("openapi/v1.json");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {text}");
        return JsonSerializer.Deserialize<JsonElement>(text);
    }

    private static JsonElement Operation(JsonElement document, string path, string method)
    {
        var paths = document.GetProperty("paths");
        Assert.True(paths.TryGetProperty(path, out var item), $"{path} is missing; paths: {string.Join(", ", paths.EnumerateObject().Select(p => p.Name))}");
        Assert.True(item.TryGetProperty(method, out var operation), $"{method} {path} is missing");
        return operation;
    }

    private static JsonElement Answer(JsonElement document, JsonElement operation, string status) =>
        Resolve(document, operation.GetProperty("responses").GetProperty(status).GetProperty("content").GetProperty("application/json").GetProperty("schema"));
}
