using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LatchGateway.Tests.Infrastructure;

namespace LatchGateway.Tests.Redis;

/// <summary>Three gateway replicas sharing one Redis behave as one gateway.</summary>
public sealed class ReplicaTests : IAsyncLifetime
{
    private RedisServer _redis = null!;
    private TestBackend _backend = null!;
    private GatewayInstance[] _replicas = [];

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _backend = await TestBackend.StartAsync();
        _replicas = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => GatewayInstance.StartAsync(_backend, RedisSettings.For(_redis.Endpoint))));
    }

    public async Task DisposeAsync()
    {
        foreach (var replica in _replicas)
        {
            await replica.DisposeAsync();
        }

        await _backend.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task Of_many_concurrent_presentations_across_replicas_exactly_one_is_forwarded()
    {
        for (var round = 0; round < 3; round++)
        {
            var code = await _replicas[round].IssueAsync();
            var path = $"orders/admin/race-{round}";
            var handlers = _replicas.Select(_ => new SocketsHttpHandler { MaxConnectionsPerServer = 64 }).ToArray();
            var clients = _replicas.Select((r, i) => new HttpClient(handlers[i]) { BaseAddress = r.ProxyAddress }).ToArray();
            try
            {
                var statuses = await Task.WhenAll(Enumerable.Range(0, 60).Select(async i =>
                {
                    using var response = await RedisStoreTests.Present(clients[i % clients.Length], path, code.Code);
                    return response.StatusCode;
                }));

                Assert.Equal(1, statuses.Count(s => s == HttpStatusCode.OK));
                Assert.Equal(59, statuses.Count(s => s == HttpStatusCode.Forbidden));
                Assert.Single(_backend.ReceivedUnder("/" + path));
            }
            finally
            {
                foreach (var client in clients)
                {
                    client.Dispose();
                }
            }
        }
    }

    [Fact]
    public async Task A_code_issued_on_one_replica_is_listed_read_and_revoked_on_the_others()
    {
        var code = await _replicas[0].IssueAsync(route: "exports", user: "carol");

        using var reader = _replicas[1].CreateAdminClient("reader");
        var listed = await reader.GetFromJsonAsync<JsonElement[]>("admin/codes?route=exports&user=carol");
        Assert.Contains(listed!, c => c.GetProperty("id").GetString() == code.Id);
        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync($"admin/codes/{code.Id}")).StatusCode);

        using var ops = _replicas[2].CreateAdminClient();
        Assert.Equal(HttpStatusCode.NoContent, (await ops.DeleteAsync($"admin/codes/{code.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await ops.DeleteAsync($"admin/codes/{code.Id}")).StatusCode);

        Assert.Equal(HttpStatusCode.NotFound, (await reader.GetAsync($"admin/codes/{code.Id}")).StatusCode);
        listed = await reader.GetFromJsonAsync<JsonElement[]>("admin/codes?route=exports");
        Assert.DoesNotContain(listed!, c => c.GetProperty("id").GetString() == code.Id);

        using var proxy = _replicas[0].CreateProxyClient();
        Assert.Equal(HttpStatusCode.Forbidden, (await RedisStoreTests.Present(proxy, "exports/revoked", code.Code)).StatusCode);
    }

    [Fact]
    public async Task A_code_consumed_on_one_replica_is_refused_on_the_others()
    {
        var code = await _replicas[2].IssueAsync();
        using var first = _replicas[0].CreateProxyClient();
        using var second = _replicas[1].CreateProxyClient();

        Assert.Equal(HttpStatusCode.OK, (await RedisStoreTests.Present(first, "orders/admin/once", code.Code)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await RedisStoreTests.Present(second, "orders/admin/once", code.Code)).StatusCode);

        using var admin = _replicas[2].CreateAdminClient();
        var listed = await admin.GetFromJsonAsync<JsonElement[]>("admin/codes");
        Assert.DoesNotContain(listed!, c => c.GetProperty("id").GetString() == code.Id);
    }
}
