using System.Net;
using System.Text.Json;
using LatchGateway.Tests.Infrastructure;
using StackExchange.Redis;

namespace LatchGateway.Tests.Audit;

/// <summary>The Redis audit sink: one stream shared by every replica, bounded by <c>Latch:Audit:StreamMaxLength</c>.</summary>
public sealed class RedisAuditTests : RedisTestBase
{
    [Fact]
    public async Task An_event_recorded_on_one_replica_is_listed_and_exported_by_another()
    {
        var prefix = $"audit-{Guid.NewGuid():N}";
        await using var a = await StartAsync(prefix);
        await using var b = await StartAsync(prefix);
        var reason = $"INC-{Guid.NewGuid():N}";
        var code = await AuditHttp.IssueAsync(a, new { route = "orders-admin", reason });
        Assert.Equal(HttpStatusCode.OK, await AuditHttp.PresentAsync(a, code.Code));
        using var admin = b.CreateAdminClient();

        var events = await AuditHttp.WaitForEventsAsync(
            admin, "", e => e.Count(x => x.Str("codeId") == code.Id) == 2, "replica A's events on replica B");

        Assert.Equal(["accepted", "issued"], events.Where(x => x.Str("codeId") == code.Id).Select(x => x.Str("type")));
        Assert.Equal(reason, events.Single(x => x.Str("type") == "issued").Str("reason"));
        var exported = (await admin.GetStringAsync("admin/audit/export")).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonSerializer.Deserialize<JsonElement>(line)).Where(x => x.Str("codeId") == code.Id).Select(x => x.Str("type"));
        Assert.Equal(["issued", "accepted"], exported);
        Assert.Equal(2, await Client.GetDatabase().StreamLengthAsync($"{prefix}:audit"));
    }

    [Fact]
    public async Task The_stream_is_trimmed_to_about_StreamMaxLength()
    {
        var prefix = $"trim-{Guid.NewGuid():N}";
        await using var gateway = await StartAsync(prefix, new() { ["Latch:Audit:StreamMaxLength"] = "100" });
        using (var proxy = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 16 }) { BaseAddress = gateway.ProxyAddress })
        {
            // 1000 presentations without a code: each is a rejected event and none touches the code store.
            await Parallel.ForAsync(0, 1000, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (_, cancellationToken) =>
            {
                using var response = await proxy.GetAsync(LatchHttp.UniquePath().TrimStart('/'), cancellationToken);
                Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            });
        }

        // Recorded after all of them: once it is listed, the writer has written the 1000 before it.
        var marker = await gateway.IssueAsync();
        using var admin = gateway.CreateAdminClient();
        await AuditHttp.WaitForEventAsync(admin, "issued", marker.Id);

        var length = await Client.GetDatabase().StreamLengthAsync($"{prefix}:audit");
        Assert.InRange(length, 100, 299);
        var listed = await AuditHttp.GetEventsAsync(admin, "?limit=1000");
        Assert.Equal(length, listed.Count);
        Assert.Equal(marker.Id, listed[0].Str("codeId"));
    }

    private Task<GatewayInstance> StartAsync(string prefix, Dictionary<string, string?>? extra = null)
    {
        var settings = Settings(Redis.Endpoint, prefix);
        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value;
        }

        return GatewayInstance.StartAsync(Backend, settings);
    }

    private static Dictionary<string, string?> Settings(string endpoint, string prefix)
    {
        var settings = RedisSettings.For(endpoint, prefix);
        foreach (var (key, value) in GatewayFixture.NoLockout)
        {
            settings[key] = value;
        }

        return settings;
    }
}
