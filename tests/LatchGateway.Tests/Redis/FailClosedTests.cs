using System.Diagnostics;
using System.Net;
using LatchGateway.Tests.Infrastructure;

namespace LatchGateway.Tests.Redis;

/// <summary>When Redis goes away or stalls the gateway refuses latched requests fast, and recovers by itself.</summary>
public sealed class FailClosedTests : IAsyncLifetime
{
    private static readonly TimeSpan FailClosedWithin = TimeSpan.FromSeconds(2);

    private RedisServer _redis = null!;
    private TestBackend _backend = null!;
    private GatewayInstance _gateway = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _backend = await TestBackend.StartAsync();
        _gateway = await GatewayInstance.StartAsync(_backend, RedisSettings.For(_redis.Endpoint));
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _backend.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task Redis_stopped_then_restarted_refuses_with_503_then_recovers_without_a_restart()
    {
        var code = await _gateway.IssueAsync();
        using var proxy = _gateway.CreateProxyClient();
        using var admin = _gateway.CreateAdminClient();

        await _redis.StopAsync();

        await AssertUnavailableAsync(proxy, "orders/admin/redis-down", code.Code);
        Assert.Equal(HttpStatusCode.OK, (await proxy.GetAsync("public/still-open")).StatusCode);

        // Knowing that a request carries no code needs no store: still 401, not 503.
        using (var noCode = await proxy.GetAsync("orders/admin/redis-down"))
        {
            var problem = await LatchHttp.AssertProblemAsync(noCode, HttpStatusCode.Unauthorized);
            Assert.Equal("latch_required", problem.GetProperty("error").GetString());
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await admin.GetAsync("readyz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("healthz")).StatusCode);
        using (var issue = await admin.PostAsync("admin/codes", JsonBody("""{"route":"orders-admin"}""")))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, issue.StatusCode);
            Assert.Equal("application/problem+json", issue.Content.Headers.ContentType?.MediaType);
            Assert.Contains("latch_unavailable", await issue.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await admin.GetAsync("admin/codes")).StatusCode);
        Assert.Empty(_backend.ReceivedUnder("/orders/admin/redis-down"));

        await _redis.StartAsync();
        await WaitForReadyAsync(admin);

        var fresh = await _gateway.IssueAsync();
        Assert.Equal(HttpStatusCode.OK, (await RedisStoreTests.Present(proxy, "orders/admin/redis-back", fresh.Code)).StatusCode);
    }

    [Fact]
    public async Task A_stalled_Redis_is_refused_within_two_seconds_never_forwarded_never_502()
    {
        var code = await _gateway.IssueAsync();
        using var proxy = _gateway.CreateProxyClient();
        using var admin = _gateway.CreateAdminClient();

        _redis.Pause();
        try
        {
            await AssertUnavailableAsync(proxy, "orders/admin/redis-stalled", code.Code);
            await AssertUnavailableAsync(proxy, "orders/admin/redis-stalled", "AAAAA-BBBBB");
            Assert.Equal(HttpStatusCode.OK, (await proxy.GetAsync("public/still-open-while-stalled")).StatusCode);
        }
        finally
        {
            _redis.Resume();
        }

        Assert.Empty(_backend.ReceivedUnder("/orders/admin/redis-stalled"));
        await WaitForReadyAsync(admin);
        var fresh = await _gateway.IssueAsync();
        Assert.Equal(HttpStatusCode.OK, (await RedisStoreTests.Present(proxy, "orders/admin/after-stall", fresh.Code)).StatusCode);
    }

    private static async Task AssertUnavailableAsync(HttpClient proxy, string path, string code)
    {
        var watch = Stopwatch.StartNew();
        using var response = await RedisStoreTests.Present(proxy, path, code);
        watch.Stop();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("\"error\":\"latch_unavailable\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.True(watch.Elapsed < FailClosedWithin, $"the refusal took {watch.Elapsed.TotalMilliseconds:F0} ms");
    }

    private static async Task WaitForReadyAsync(HttpClient admin)
    {
        var deadline = Stopwatch.StartNew();
        while ((await admin.GetAsync("readyz")).StatusCode != HttpStatusCode.OK)
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(20), "the gateway did not become ready again after Redis came back");
            await Task.Delay(100);
        }
    }

    private static StringContent JsonBody(string json) => new(json, System.Text.Encoding.UTF8, "application/json");
}
