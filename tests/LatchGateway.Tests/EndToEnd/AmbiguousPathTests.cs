using System.Net;
using System.Text.Json;
using LatchGateway.Tests.Infrastructure;

namespace LatchGateway.Tests.EndToEnd;

/// <summary>
/// With an open <c>/orders/{**rest}</c> beside the latched <c>/orders/admin/{**rest}</c>, a path that the gateway
/// would match as the open route and a backend would serve as the latched one (nginx merging <c>//</c>, a servlet
/// container dropping <c>;x=1</c>, IIS trimming a trailing dot) is refused before routing: 400
/// <c>path_rejected</c>, nothing forwarded. Requests go over raw sockets: HttpClient would normalise the paths.
/// <c>{id}</c> in a target is replaced by a fresh id, to look for the request at the backend.
/// </summary>
public sealed class AmbiguousPathTests(OpenOrdersGatewayFixture fixture) : IClassFixture<OpenOrdersGatewayFixture>
{
    private GatewayInstance Gateway => fixture.Gateway;

    public static TheoryData<string> AmbiguousTargets => new()
    {
        // The three of the report, and their relatives.
        "/orders//admin/{id}",
        "//orders/admin/{id}",
        "/orders/{id}//",
        "/orders/admin;x=1/{id}",
        "/orders/admin;/{id}",
        "/orders/admin./{id}",
        "/orders/admin%2e/{id}",
        "/orders/admin/{id}.",
        // Encoded separators and semicolons, any case.
        "/orders/admin%2F{id}",
        "/orders/admin%2f{id}",
        "/orders%2Fadmin/{id}",
        "/orders/admin%5C{id}",
        "/orders/admin%5c{id}",
        "/orders/admin%3B/{id}",
        "/orders/admin%3b/{id}",
        "/orders\\admin/{id}",
        // Dot segments, which Kestrel resolves before routing: only the raw target still shows them.
        "/orders/./admin/{id}",
        "/orders/x/../admin/{id}",
        "/orders/x/%2e%2e/admin/{id}",
        "/orders/x/%2E%2E/admin/{id}",
        "/orders/x/.%2e/admin/{id}",
        "/orders/admin/{id}/..",
        // Trailing whitespace and control characters.
        "/orders/admin%20/{id}",
        "/orders/admin/{id}%20",
        "/orders/admin%09/{id}",
        "/orders/ad%0Amin/{id}",
        "/orders/admin%0D/{id}",
        "/orders/admin%7F/{id}",
        "/orders/admin%C2%A0/{id}",
        // Escapes left undecoded, which a backend decoding once more would read as another path.
        "/orders/%252Fadmin/{id}",
        "/orders/%2561dmin/{id}",
        "/orders/%25%32%46admin/{id}",
        "/orders/admin%C0%AE/{id}",
        "/orders/%u0061dmin/{id}",
        // A fragment is no part of a request target.
        "/orders/admin#/{id}",
        // Absolute-form targets are checked on their path.
        "http://{authority}/orders//admin/{id}",
        "http://{authority}/orders/admin;x=1/{id}",
        "http://{authority}/orders/x/../admin/{id}",
        // Every Proxy route, open or latched.
        "/public//{id}",
        "/public/{id}/./x",
        "/orders/admin//{id}",
        "/exports/{id};x=1",
    };

    /// <summary>Paths that are no ambiguity, with the status the route gives them.</summary>
    public static TheoryData<string, int> OrdinaryTargets => new()
    {
        { "/orders/{id}", 200 },
        { "/orders/{id}/", 200 },
        { "/orders/v1.2/{id}", 200 },
        { "/orders/.well-known/{id}", 200 },
        { "/orders/my%20file/{id}", 200 },
        { "/orders/caf%C3%A9/{id}", 200 },
        { "/orders/100%25/{id}", 200 },
        { "/orders/a%23b/{id}", 200 },
        { "/orders/{id}?a=1;b=2&p=%2F..%2F&q=//x/./../y%3B%252F", 200 },
        { "http://{authority}/orders/{id}?x=;", 200 },
        { "/orders/admin/{id}", 401 },
        { "/orders/admin/{id}?a=1;b=%2F&c=//..", 401 },
    };

    [Theory]
    [MemberData(nameof(AmbiguousTargets))]
    public async Task An_ambiguous_path_is_400_path_rejected_and_reaches_no_backend(string target)
    {
        var id = Guid.NewGuid().ToString("N");

        var response = await SendAsync(Gateway.ProxyAddress, target, id);

        Assert.True(response.Status == 400, $"{target}: {response.Status} {response.Body}");
        Assert.Equal("application/problem+json", response["Content-Type"]);
        Assert.Equal("no-store", response["Cache-Control"]);
        using var problem = JsonDocument.Parse(response.Body);
        Assert.Equal("path_rejected", problem.RootElement.GetProperty("error").GetString());
        Assert.Equal(400, problem.RootElement.GetProperty("status").GetInt32());
        Assert.Equal("about:blank", problem.RootElement.GetProperty("type").GetString());
        Assert.Null(response["WWW-Authenticate"]);
        Assert.DoesNotContain(fixture.Backend.Received, r => r.Path.Contains(id, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(OrdinaryTargets))]
    public async Task An_ordinary_path_is_routed_as_before_whatever_its_query_holds(string target, int status)
    {
        var id = Guid.NewGuid().ToString("N");

        var response = await SendAsync(Gateway.ProxyAddress, target, id);

        Assert.True(response.Status == status, $"{target}: {response.Status} {response.Body}");
        var received = fixture.Backend.Received.Where(r => r.Path.Contains(id, StringComparison.Ordinal)).ToList();
        if (status == 200)
        {
            var request = Assert.Single(received);
            var query = target.Replace("{authority}", "", StringComparison.Ordinal).Split('?', 2);
            Assert.Equal(query.Length == 2 ? "?" + query[1] : "", request.Query);
        }
        else
        {
            Assert.Equal("latch_required", response.ProblemError());
            Assert.Empty(received);
        }
    }

    [Fact]
    public async Task A_code_presented_on_an_ambiguous_path_is_not_consumed()
    {
        var code = await Gateway.IssueAsync();
        var id = Guid.NewGuid().ToString("N");

        var refused = await SendAsync(Gateway.ProxyAddress, "/orders//admin/{id}", id, $"X-Latch-Code: {code.Code}");
        var accepted = await SendAsync(Gateway.ProxyAddress, "/orders/admin/{id}", id, $"X-Latch-Code: {code.Code}");

        Assert.Equal("path_rejected", refused.ProblemError());
        Assert.Equal(200, accepted.Status);
        Assert.Equal($"/orders/admin/{id}", Assert.Single(fixture.Backend.Received, r => r.Path.Contains(id, StringComparison.Ordinal)).Path);
    }

    [Fact]
    public async Task A_NUL_in_the_path_is_refused_by_Kestrel_before_the_gateway_sees_it()
    {
        var id = Guid.NewGuid().ToString("N");

        var response = await SendAsync(Gateway.ProxyAddress, "/orders/admin%00/{id}", id);

        Assert.Equal(400, response.Status);
        Assert.DoesNotContain(fixture.Backend.Received, r => r.Path.Contains(id, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_admin_listener_is_not_checked()
    {
        var admin = Gateway.AdminAddress;
        var key = $"X-Api-Key: {GatewayInstance.ApiKeys["ops"].Key}";

        // Kestrel resolves the dot segments; the Proxy listener would refuse them.
        var health = await SendAsync(admin, "/./healthz", "");
        var routes = await SendAsync(admin, "/admin/codes/x/../../routes", "", key);
        var doubled = await SendAsync(admin, "//healthz", "");

        Assert.Equal(200, health.Status);
        Assert.Equal(200, routes.Status);
        Assert.Contains("\"orders-admin\"", routes.Body, StringComparison.Ordinal);
        Assert.Equal(404, doubled.Status);
        Assert.DoesNotContain("path_rejected", doubled.Body, StringComparison.Ordinal);
    }

    private static async Task<RawResponse> SendAsync(Uri server, string target, string id, params string[] headerLines)
    {
        var raw = target.Replace("{id}", id, StringComparison.Ordinal).Replace("{authority}", server.Authority, StringComparison.Ordinal);
        return RawResponse.Parse(await RawExchange.SendAsync(server, RawExchange.Head(server, "GET", raw, headerLines)));
    }
}
