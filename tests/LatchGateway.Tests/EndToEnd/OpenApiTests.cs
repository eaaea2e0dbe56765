using System.Net;
using System.Text.Json;
using LatchGateway.Tests.Infrastructure;
using static LatchGateway.Tests.Infrastructure.OpenApiJson;

namespace LatchGateway.Tests.EndToEnd;

/// <summary>The admin API's OpenAPI document, as a client generator would read it from the Admin endpoint.</summary>
public sealed class OpenApiTests(MemoryGatewayFixture fixture) : IClassFixture<MemoryGatewayFixture>
{
    private GatewayInstance Gateway => fixture.Gateway;

    [Fact]
    public async Task The_document_is_OpenAPI_3_and_describes_every_admin_path()
    {
        var document = await GetDocumentAsync();

        Assert.StartsWith("3.", document.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(document.GetProperty("info").GetProperty("title").GetString()));
        var paths = document.GetProperty("paths");
        foreach (var path in new[] { "/admin/codes", "/admin/codes/{id}", "/admin/sessions", "/admin/sessions/{id}", "/admin/routes", "/admin/audit", "/admin/audit/export" })
        {
            Assert.True(paths.TryGetProperty(path, out _), $"{path} is missing; paths: {string.Join(", ", paths.EnumerateObject().Select(p => p.Name))}");
        }

        Assert.True(paths.GetProperty("/admin/codes").TryGetProperty("get", out _));
        Assert.True(paths.GetProperty("/admin/routes").TryGetProperty("get", out _));
        Assert.True(paths.GetProperty("/admin/audit").TryGetProperty("get", out _));
        Assert.True(paths.GetProperty("/admin/audit/export").TryGetProperty("get", out _));
        Assert.DoesNotContain(paths.EnumerateObject(), p => !p.Name.StartsWith("/admin/", StringComparison.Ordinal) && !p.Name.StartsWith("/access/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Issuing_takes_a_json_body_that_requires_only_route_and_lists_every_answer()
    {
        var document = await GetDocumentAsync();
        var post = document.GetProperty("paths").GetProperty("/admin/codes").GetProperty("post");

        var body = post.GetProperty("requestBody");
        var schema = Resolve(document, body.GetProperty("content").GetProperty("application/json").GetProperty("schema"));
        Assert.Equal(["route"], schema.GetProperty("required").EnumerateArray().Select(r => r.GetString()));
        var properties = schema.GetProperty("properties").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("route", properties);
        Assert.Contains("ttlSeconds", properties);
        Assert.Contains("reason", properties);

        // The reader refuses "ttlSeconds": "120": the document offers the number alone, no string form.
        var ttl = schema.GetProperty("properties").GetProperty("ttlSeconds");
        Assert.DoesNotContain("string", ttl.GetProperty("type").ToString(), StringComparison.Ordinal);
        Assert.False(ttl.TryGetProperty("pattern", out _), ttl.ToString());
        Assert.Superset(new HashSet<string> { "201", "400", "401", "403", "413", "503" }, Responses(post).ToHashSet());
        Assert.DoesNotContain("500", Responses(post));
    }

    [Fact]
    public async Task Reading_and_revoking_a_code_document_200_204_and_404()
    {
        var document = await GetDocumentAsync();
        var code = document.GetProperty("paths").GetProperty("/admin/codes/{id}");

        Assert.Contains("200", Responses(code.GetProperty("get")));
        Assert.Contains("404", Responses(code.GetProperty("get")));
        Assert.Contains("204", Responses(code.GetProperty("delete")));
        Assert.Contains("404", Responses(code.GetProperty("delete")));
    }

    [Fact]
    public async Task Listing_sessions_documents_its_filters_its_answer_without_a_token_and_every_error()
    {
        var document = await GetDocumentAsync();
        var get = document.GetProperty("paths").GetProperty("/admin/sessions").GetProperty("get");

        Assert.Superset(new HashSet<string> { "route", "user" }, Parameters(get).ToHashSet());
        Assert.Superset(new HashSet<string> { "200", "401", "403", "503" }, Responses(get).ToHashSet());
        var array = Resolve(document, get.GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("application/json").GetProperty("schema"));
        Assert.Equal("array", array.GetProperty("type").GetString());
        var item = Resolve(document, array.GetProperty("items"));
        Assert.Equal(
            new[] { "id", "codeId", "route", "user", "clientIp", "openedAt", "expiresAt" }.Order(StringComparer.Ordinal),
            item.GetProperty("properties").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Ending_a_session_documents_204_404_and_every_error()
    {
        var document = await GetDocumentAsync();
        var delete = document.GetProperty("paths").GetProperty("/admin/sessions/{id}").GetProperty("delete");

        Assert.Superset(new HashSet<string> { "204", "404", "401", "403", "503" }, Responses(delete).ToHashSet());
        Assert.DoesNotContain("500", Responses(delete));
    }

    [Fact]
    public async Task Audit_reads_document_their_query_parameters()
    {
        var document = await GetDocumentAsync();
        var paths = document.GetProperty("paths");

        Assert.Superset(
            new HashSet<string> { "limit", "route", "user", "type", "since" },
            Parameters(paths.GetProperty("/admin/audit").GetProperty("get")).ToHashSet());
        Assert.Superset(
            new HashSet<string> { "since", "until", "format" },
            Parameters(paths.GetProperty("/admin/audit/export").GetProperty("get")).ToHashSet());
    }

    [Fact]
    public async Task The_api_key_scheme_is_an_apiKey_in_the_X_Api_Key_header()
    {
        var document = await GetDocumentAsync();

        var schemes = document.GetProperty("components").GetProperty("securitySchemes").EnumerateObject().Select(s => s.Value).ToList();
        Assert.Contains(
            schemes,
            s => s.GetProperty("type").GetString() == "apiKey"
                && s.GetProperty("in").GetString() == "header"
                && s.GetProperty("name").GetString() == "X-Api-Key");
    }

    [Fact]
    public async Task The_document_is_not_served_on_the_proxy_endpoint()
    {
        using var proxy = Gateway.CreateProxyClient();

        using var response = await proxy.GetAsync("openapi/v1.json");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain("\"openapi\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private async Task<JsonElement> GetDocumentAsync()
    {
        using var admin = Gateway.CreateAdminClient(keyName: null);
        using var response = await admin.GetAsync("openapi/v1.json");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonSerializer.Deserialize<JsonElement>(text);
    }
}
