using System.Text.Json;
using LatchGateway.Tests.Infrastructure;

namespace LatchGateway.Tests.EndToEnd;

/// <summary>
/// What the Admin endpoint refuses outside the admin handlers, over raw sockets: unknown paths, unsupported
/// methods and unreadable bodies are problem+json; requests Kestrel cannot parse are answered by Kestrel alone,
/// before any application code, with an empty body. The Proxy endpoint's answers do not change.
/// </summary>
public sealed class AdminProtocolProblemsTests(MemoryGatewayFixture fixture) : IClassFixture<MemoryGatewayFixture>
{
    private static readonly string Key = $"X-Api-Key: {GatewayInstance.ApiKeys["ops"].Key}";

    private Uri Admin => fixture.Gateway.AdminAddress;

    [Theory]
    [InlineData("PUT", "/admin/codes", "GET, POST")]
    [InlineData("PATCH", "/admin/codes/0123456789", "DELETE, GET")]
    [InlineData("DELETE", "/admin/routes", "GET")]
    [InlineData("POST", "/admin/audit", "GET")]
    [InlineData("HEAD", "/admin/routes", "GET")]
    [InlineData("OPTIONS", "/admin/codes", "GET, POST")]
    [InlineData("FOO", "/admin/codes", "GET, POST")]
    public async Task An_unsupported_method_is_405_problem_with_Allow(string method, string target, string allow)
    {
        foreach (var headers in new[] { new[] { Key, "Content-Length: 0" }, ["Content-Length: 0"] })
        {
            var response = Parse(await RawExchange.SendAsync(Admin, RawExchange.Head(Admin, method, target, headers)));

            Assert.Equal(405, response.Status);
            Assert.Equal(allow, response.Header("Allow"));
            if (method != "HEAD")
            {
                AssertProblem(response, 405);
            }
        }
    }

    [Theory]
    [InlineData("/admin/nothing")]
    [InlineData("/admin")]
    [InlineData("/")]
    [InlineData("/orders/admin/x")]
    public async Task A_path_nothing_serves_is_404_problem(string target)
    {
        var response = Parse(await RawExchange.SendAsync(Admin, RawExchange.Head(Admin, "GET", target, Key)));

        AssertProblem(response, 404);
    }

    [Fact]
    public async Task A_body_Kestrel_cannot_read_is_problem()
    {
        var head = RawExchange.Head(Admin, "POST", "/admin/codes", Key, "Content-Type: application/json", "Transfer-Encoding: chunked");

        var response = Parse(await RawExchange.SendAsync(Admin, head + "ZZ\r\n{}\r\n0\r\n\r\n"));

        AssertProblem(response, 400);
        Assert.Equal("[]", await fixture.Gateway.CreateAdminClient().GetStringAsync("admin/codes"));
    }

    [Fact]
    public async Task An_admin_answer_is_left_as_it_is()
    {
        var response = Parse(await RawExchange.SendAsync(Admin, RawExchange.Head(Admin, "GET", "/admin/routes", Key)));

        Assert.Equal(200, response.Status);
        Assert.StartsWith("application/json", response.Header("Content-Type"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GET /admin/codes HTTP/1.1 extra\r\nHost: a\r\n\r\n", 400)] // malformed request line
    [InlineData("not http at all\r\n\r\n", 400)]
    [InlineData("GET /admin/codes HTTP/1.1\r\n\r\n", 400)] // no Host
    [InlineData("GET /admin/codes HTTP/1.1\r\nHost: a\r\nBad Header: x\r\n\r\n", 400)]
    [InlineData("POST /admin/codes HTTP/1.1\r\nHost: a\r\nContent-Length: x\r\n\r\n", 400)]
    [InlineData("GET /admin/codes HTTP/9.9\r\nHost: a\r\n\r\n", 505)]
    public async Task A_request_Kestrel_cannot_parse_is_refused_by_Kestrel_before_any_middleware(string request, int status)
    {
        // Kestrel writes these itself, after parsing fails and before it creates an HttpContext: no application
        // code runs, so they cannot be problem+json. Pinned so that a Kestrel that lets them be shaped shows up.
        var response = Parse(await RawExchange.SendAsync(Admin, request));

        Assert.Equal(status, response.Status);
        Assert.Equal("0", response.Header("Content-Length"));
        Assert.Equal("close", response.Header("Connection"));
        Assert.Null(response.Header("Content-Type"));
    }

    [Fact]
    public async Task The_proxy_endpoint_answers_as_before()
    {
        var proxy = fixture.Gateway.ProxyAddress;

        // "shadow" proxies /admin/… there: any method is the backend's business.
        var put = Parse(await RawExchange.SendAsync(proxy, RawExchange.Head(proxy, "PUT", "/admin/codes", "Content-Length: 0")));
        var unknown = Parse(await RawExchange.SendAsync(proxy, RawExchange.Head(proxy, "GET", "/nothing/here")));

        Assert.Equal(200, put.Status);
        Assert.Equal("backend:/admin/codes", put.Body.Trim());
        Assert.Equal(404, unknown.Status);
        Assert.Equal("0", unknown.Header("Content-Length"));
        Assert.Null(unknown.Header("Content-Type"));
    }

    private static void AssertProblem(RawResponse response, int status)
    {
        Assert.True(response.Status == status, response.Text);
        Assert.Equal("application/problem+json", response.Header("Content-Type"));
        Assert.Equal("no-store", response.Header("Cache-Control"));
        using var problem = JsonDocument.Parse(response.Body);
        Assert.Equal(status, problem.RootElement.GetProperty("status").GetInt32());
    }

    private static RawResponse Parse(string text)
    {
        var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        Assert.True(split > 0, $"no response head: {text}");
        var lines = text[..split].Split("\r\n");
        var headers = lines.Skip(1)
            .Select(line => line.Split(':', 2))
            .ToDictionary(pair => pair[0], pair => pair[1].Trim(), StringComparer.OrdinalIgnoreCase);
        var body = text[(split + 4)..];
        if (headers.TryGetValue("Transfer-Encoding", out var coding) && coding == "chunked")
        {
            body = Dechunk(body);
        }

        return new RawResponse(RawHttp.StatusOf(text), headers, body, text);
    }

    private static string Dechunk(string chunked)
    {
        var body = new System.Text.StringBuilder();
        var rest = chunked;
        while (true)
        {
            var end = rest.IndexOf("\r\n", StringComparison.Ordinal);
            var size = Convert.ToInt32(rest[..end], 16);
            if (size == 0)
            {
                return body.ToString();
            }

            body.Append(rest, end + 2, size);
            rest = rest[(end + 2 + size + 2)..];
        }
    }

    private sealed record RawResponse(int Status, Dictionary<string, string> Headers, string Body, string Text)
    {
        public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
    }
}
