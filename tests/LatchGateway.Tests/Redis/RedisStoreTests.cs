using System.Net;
using LatchGateway.Tests.Infrastructure;
using StackExchange.Redis;

namespace LatchGateway.Tests.Redis;

/// <summary>One gateway on a real Redis: what is kept, for how long, and that codes outlive the gateway process.</summary>
public sealed class RedisStoreTests : RedisTestBase
{
    [Fact]
    public async Task A_restored_code_is_live_again_and_a_revocation_asked_while_it_was_consumed_is_not_lost()
    {
        await using var gateway = await GatewayInstance.StartAsync(Backend, RedisSettings.For(Redis.Endpoint, $"restore-{Guid.NewGuid():N}"));
        var store = gateway.GetService<LatchGateway.Store.ILatchStore>();
        var hasher = gateway.GetService<LatchGateway.Codes.CodeHasher>();
        var restored = await gateway.IssueAsync();
        var revoked = await gateway.IssueAsync();
        var restoredDigest = hasher.Compute(LatchHttp.Normalised(restored.Code));
        var revokedDigest = hasher.Compute(LatchHttp.Normalised(revoked.Code));

        await store.ConsumeAsync(restoredDigest, default);
        await store.RestoreAsync(restoredDigest, default);
        await store.ConsumeAsync(revokedDigest, default);
        Assert.Null(await store.RevokeAsync(revoked.Id, default));
        await store.RestoreAsync(revokedDigest, default);

        Assert.NotNull(await store.GetAsync(restored.Id, default));
        Assert.Null(await store.GetAsync(revoked.Id, default));
        Assert.Equal(LatchGateway.Store.CodeState.Revoked, (await store.ConsumeAsync(revokedDigest, default)).PriorState);
    }

    [Fact]
    public async Task Redis_holds_no_code_in_clear_only_digests_and_metadata()
    {
        await using var gateway = await GatewayInstance.StartAsync(Backend, RedisSettings.For(Redis.Endpoint));
        var codes = new List<IssuedCode>();
        for (var i = 0; i < 5; i++)
        {
            codes.Add(await gateway.IssueAsync(user: "alice", ip: "127.0.0.1"));
        }

        using (var proxy = gateway.CreateProxyClient())
        {
            // The code is bound to user alice and no user is authenticated here: refused, and consumed all the same.
            Assert.Equal(HttpStatusCode.Forbidden, (await Present(proxy, "orders/admin/at-rest", codes[0].Code)).StatusCode);
        }

        var dump = await DumpAsync();
        foreach (var code in codes)
        {
            var normalized = code.Code.Replace("-", "", StringComparison.Ordinal);
            Assert.DoesNotContain(code.Code, dump, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(normalized, dump, StringComparison.OrdinalIgnoreCase);
            Assert.Contains(code.Id, dump, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Nothing_of_a_code_lingers_after_it_expires()
    {
        await using var gateway = await GatewayInstance.StartAsync(Backend, RedisSettings.For(Redis.Endpoint, "expiry"));
        var code = await gateway.IssueAsync(ttlSeconds: 1);
        var server = Client.GetServer(Redis.Endpoint);

        // The audit stream outlives codes on purpose: an event outlives the code it is about.
        IEnumerable<RedisKey> CodeKeys() => server.Keys(pattern: "expiry:*").Where(k => k != "expiry:audit");
        Assert.Contains(CodeKeys(), k => k.ToString().Contains(code.Id, StringComparison.Ordinal));
        foreach (var key in CodeKeys())
        {
            var ttl = await Client.GetDatabase().KeyTimeToLiveAsync(key);
            Assert.True(ttl is { } t && t <= TimeSpan.FromSeconds(1), $"{key} has no expiry within the code's lifetime ({ttl})");
        }

        await RedisServer.WaitUntilAsync(() => !CodeKeys().Any(), "keys of an expired code are still in Redis", 5_000);

        using var proxy = gateway.CreateProxyClient();
        Assert.Equal(HttpStatusCode.Forbidden, (await Present(proxy, "orders/admin/expired", code.Code)).StatusCode);
    }

    [Fact]
    public async Task A_code_survives_a_gateway_restart()
    {
        IssuedCode code;
        await using (var first = await GatewayInstance.StartAsync(Backend, RedisSettings.For(Redis.Endpoint, "restart")))
        {
            code = await first.IssueAsync();
        }

        await using var second = await GatewayInstance.StartAsync(Backend, RedisSettings.For(Redis.Endpoint, "restart"));
        using var admin = second.CreateAdminClient();
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"admin/codes/{code.Id}")).StatusCode);
        using var proxy = second.CreateProxyClient();
        Assert.Equal(HttpStatusCode.OK, (await Present(proxy, "orders/admin/after-restart", code.Code)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Present(proxy, "orders/admin/after-restart", code.Code)).StatusCode);
    }

    internal static async Task<HttpResponseMessage> Present(HttpClient proxy, string path, string code)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-Latch-Code", code);
        return await proxy.SendAsync(request);
    }

    private async Task<string> DumpAsync()
    {
        var db = Client.GetDatabase();
        var text = new System.Text.StringBuilder();
        foreach (var key in Client.GetServer(Redis.Endpoint).Keys(pattern: "*"))
        {
            text.Append(key.ToString()).Append('\n');
            switch (await db.KeyTypeAsync(key))
            {
                case RedisType.Hash:
                    foreach (var entry in await db.HashGetAllAsync(key))
                    {
                        text.Append(entry.Name).Append('=').Append(entry.Value).Append('\n');
                    }

                    break;
                case RedisType.String:
                    text.Append(await db.StringGetAsync(key)).Append('\n');
                    break;
                case RedisType.SortedSet:
                    foreach (var member in await db.SortedSetRangeByRankAsync(key))
                    {
                        text.Append(member).Append('\n');
                    }

                    break;
            }
        }

        return text.ToString();
    }
}
