using System.Net;
using System.Net.Http.Json;
using LatchGateway.Tests.Infrastructure;

namespace LatchGateway.Tests.Redis;

/// <summary>
/// A Redis that accepts the gateway's connections but never answers their handshake (a hung server, a connection lost
/// in a load balancer), at start-up or when the gateway reconnects after its connections were cut: the gateway gives
/// those connections up and makes new ones within seconds, by itself.
/// </summary>
public sealed class HandshakeStallTests : IAsyncLifetime
{
    private static readonly TimeSpan RecoversWithin = TimeSpan.FromSeconds(10);

    private RedisServer _redis = null!;
    private RedisRelay _relay = null!;
    private TestBackend _backend = null!;
    private GatewayInstance _gateway = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();

        // The gateway's first two connections (commands and subscriptions) are accepted and never answered.
        _relay = RedisRelay.Start(_redis.Port, TimeSpan.Zero, silent: 2);
        _backend = await TestBackend.StartAsync();
        _gateway = await GatewayInstance.StartAsync(_backend, RedisSettings.For(_relay.Endpoint));
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _relay.DisposeAsync();
        await _backend.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task Connections_whose_handshake_is_never_answered_are_made_again_within_seconds()
    {
        using var admin = _gateway.CreateAdminClient();
        await AssertIssuesWithinAsync(admin, "after a start whose first connections were never answered");

        // Every connection cut, and the next four (both connections' first two reconnections) never answered.
        var before = _relay.Accepted;
        _relay.Drop(silent: 4);
        await AssertIssuesWithinAsync(admin, "after the connections were cut and the next four never answered");
        Assert.True(_relay.Accepted > before + 4, $"{_relay.Accepted - before} connections since the cut");

        var code = await _gateway.IssueAsync();
        using var proxy = _gateway.CreateProxyClient();
        using var accepted = await RedisStoreTests.Present(proxy, "orders/admin/after-stall", code.Code);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }

    private async Task AssertIssuesWithinAsync(HttpClient admin, string when) =>
        Assert.True(
            await LatchHttp.EventuallyAsync(
                async () =>
                {
                    using var issued = await admin.PostAsJsonAsync("admin/codes", new { route = "orders-admin" });
                    return issued.StatusCode == HttpStatusCode.Created;
                },
                RecoversWithin),
            $"no code issued within {RecoversWithin.TotalSeconds} s {when}; the relay accepted {_relay.Accepted} connections");
}
