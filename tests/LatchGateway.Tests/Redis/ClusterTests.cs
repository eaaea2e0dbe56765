using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LatchGateway.Tests.Infrastructure;

namespace LatchGateway.Tests.Redis;

/// <summary>The gateway on a three-master Redis Cluster: every script stays in one slot.</summary>
public sealed class ClusterTests : IAsyncLifetime
{
    private RedisCluster _cluster = null!;
    private TestBackend _backend = null!;
    private GatewayInstance[] _replicas = [];

    public async Task InitializeAsync()
    {
        _cluster = await RedisCluster.StartAsync();
        _backend = await TestBackend.StartAsync();
        _replicas = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => GatewayInstance.StartAsync(_backend, RedisSettings.For(_cluster.ConnectionString))));
    }

    public async Task DisposeAsync()
    {
        foreach (var replica in _replicas)
        {
            await replica.DisposeAsync();
        }

        await _backend.DisposeAsync();
        await _cluster.DisposeAsync();
    }

    [Fact]
    public async Task Codes_spread_over_every_slot_are_issued_consumed_once_listed_and_revoked()
    {
        var codes = new List<IssuedCode>();
        for (var i = 0; i < 24; i++)
        {
            codes.Add(await _replicas[i % 2].IssueAsync(user: $"user-{i % 3}"));
        }

        using var admin = _replicas[1].CreateAdminClient();
        var listed = await admin.GetFromJsonAsync<JsonElement[]>("admin/codes?user=user-1");
        Assert.Equal(codes.Where(c => c.User == "user-1").Select(c => c.Id).Order(), listed!.Select(c => c.GetProperty("id").GetString()!).Order());

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"admin/codes/{codes[0].Id}")).StatusCode);
        using var proxy = _replicas[0].CreateProxyClient();
        Assert.Equal(HttpStatusCode.Forbidden, (await RedisStoreTests.Present(proxy, "orders/admin/cluster-revoked", codes[0].Code)).StatusCode);
    }

    [Fact]
    public async Task Of_concurrent_presentations_on_a_cluster_exactly_one_is_forwarded()
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 64 };
        using var other = new SocketsHttpHandler { MaxConnectionsPerServer = 64 };
        using var a = new HttpClient(handler) { BaseAddress = _replicas[0].ProxyAddress };
        using var b = new HttpClient(other) { BaseAddress = _replicas[1].ProxyAddress };
        for (var round = 0; round < 5; round++)
        {
            var code = await _replicas[round % 2].IssueAsync();
            var path = $"orders/admin/cluster-race-{round}";
            var statuses = await Task.WhenAll(Enumerable.Range(0, 50).Select(async i =>
            {
                using var response = await RedisStoreTests.Present(i % 2 == 0 ? a : b, path, code.Code);
                return response.StatusCode;
            }));

            Assert.Equal(1, statuses.Count(s => s == HttpStatusCode.OK));
            Assert.Equal(49, statuses.Count(s => s == HttpStatusCode.Forbidden));
        }
    }
}
