using System.Net;
using LatchGateway.Tests.Infrastructure;

namespace LatchGateway.Tests.EndToEnd;

/// <summary>
/// The listening socket decides what is served: the admin side is unreachable through the Proxy endpoint, whatever
/// Host header is sent, and proxy routes are unreachable through the Admin endpoint.
/// </summary>
public abstract class AdminIsolationTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : GatewayFixture
{
    private GatewayInstance Gateway => fixture.Gateway;

    /// <summary>Host headers a client might use to reach the admin side; "{admin}" is the admin endpoint's host:port.</summary>
    public static TheoryData<string?> Hosts => new() { null, "{admin}", "localhost", "127.0.0.1", "admin.internal" };

    [Theory]
    [MemberData(nameof(Hosts))]
    public async Task Admin_paths_on_the_proxy_go_to_the_backend_through_the_shadow_route(string? host)
    {
        var probe = Guid.NewGuid().ToString("N");
        using var proxy = Gateway.CreateProxyClient();

        using var list = await SendAsync(proxy, HttpMethod.Get, $"admin/codes?probe={probe}", host);
        using var routes = await SendAsync(proxy, HttpMethod.Get, $"admin/routes?probe={probe}", host);
        using var issue = await SendAsync(proxy, HttpMethod.Post, $"admin/codes?probe={probe}", host, new StringContent("""{"route":"orders-admin"}""", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal("backend:/admin/codes", await list.Content.ReadAsStringAsync());
        Assert.Equal("backend:/admin/routes", await routes.Content.ReadAsStringAsync());
        Assert.Equal("backend:/admin/codes", await issue.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, issue.StatusCode);
        Assert.Equal(3, fixture.Backend.Received.Count(r => r.Query == $"?probe={probe}"));
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public async Task Metrics_and_health_are_not_served_on_the_proxy(string? host)
    {
        using var proxy = Gateway.CreateProxyClient();
        var before = fixture.Backend.Received.Count;

        foreach (var path in new[] { "metrics", "healthz", "readyz", "openapi/v1.json" })
        {
            using var response = await SendAsync(proxy, HttpMethod.Get, path, host);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"/{path} with Host {host}: {(int)response.StatusCode} {body}");
            Assert.DoesNotContain("latch_", body, StringComparison.Ordinal);
            Assert.DoesNotContain("Healthy", body, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(fixture.Backend.Received.Skip(before), r => r.Path is "/metrics" or "/healthz" or "/readyz");
    }

    [Theory]
    [InlineData("public/")]
    [InlineData("orders/admin/")]
    [InlineData("exports/")]
    public async Task Proxy_routes_are_404_on_the_admin_endpoint_and_reach_no_backend(string prefix)
    {
        var path = LatchHttp.UniquePath("/" + prefix);
        using var admin = Gateway.CreateAdminClient();
        admin.DefaultRequestHeaders.Host = Gateway.ProxyAddress.Authority;

        using var response = await admin.GetWithCodeAsync(path, LatchHttp.RandomCode());

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Empty(fixture.Backend.ReceivedUnder(path));
    }

    [Fact]
    public async Task Admin_endpoint_still_serves_the_admin_api_whatever_the_host_header()
    {
        using var admin = Gateway.CreateAdminClient("reader");
        admin.DefaultRequestHeaders.Host = Gateway.ProxyAddress.Authority;

        using var response = await admin.GetAsync("admin/routes");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("orders-admin", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, string? host, HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.TryAddWithoutValidation("X-Api-Key", GatewayInstance.ApiKeys["ops"].Key);
        if (host is not null)
        {
            request.Headers.Host = host == "{admin}" ? Gateway.AdminAddress.Authority : host;
        }

        return await client.SendAsync(request);
    }
}

public sealed class AdminIsolationTestsOnMemory(MemoryGatewayFixture fixture) : AdminIsolationTests<MemoryGatewayFixture>(fixture);

public sealed class AdminIsolationTestsOnRedis(RedisGatewayFixture fixture) : AdminIsolationTests<RedisGatewayFixture>(fixture);
