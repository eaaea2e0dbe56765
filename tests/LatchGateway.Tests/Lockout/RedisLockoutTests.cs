using System.Net;
using LatchGateway.Tests.Infrastructure;

namespace LatchGateway.Tests.Lockout;

/// <summary>In Redis mode every replica counts into the same lockout: refusals add up across replicas, and a lockout is imposed once.</summary>
public sealed class RedisLockoutTests(RedisAndBackendFixture fixture) : IClassFixture<RedisAndBackendFixture>
{
    [Fact]
    public async Task Refusals_split_over_two_replicas_add_up_and_lock_the_address_on_both()
    {
        await using var replicas = await fixture.StartReplicasAsync(2, AbuseHttp.Lockout(maxFailures: 4));
        using var onA = replicas[0].CreateProxyClient();
        using var onB = replicas[1].CreateProxyClient();
        var valid = await replicas[0].IssueAsync();

        await onA.RefuseAsync(2);
        await onB.RefuseAsync(1);
        using (var notYet = await onA.PresentAsync(LatchHttp.UniquePath(), code: null))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, notYet.StatusCode);
        }

        await onB.RefuseAsync(1);
        using var lockedOnA = await onA.PresentAsync(LatchHttp.UniquePath(), LatchHttp.RandomCode());
        var path = LatchHttp.UniquePath();
        using var lockedOnB = await onB.PresentAsync(path, valid.Code);

        Assert.InRange(await AbuseHttp.AssertLockedOutAsync(lockedOnA), 291, 300);
        Assert.InRange(await AbuseHttp.AssertLockedOutAsync(lockedOnB), 291, 300);
        Assert.Empty(fixture.Backend.ReceivedUnder(path));

        // The valid code was not consumed on B: A still knows it as live.
        using var admin = replicas[0].CreateAdminClient();
        using var metadata = await admin.GetAsync($"admin/codes/{valid.Id}");
        Assert.Equal(HttpStatusCode.OK, metadata.StatusCode);
    }

    [Fact]
    public async Task Twenty_concurrent_refusals_across_replicas_lock_exactly_once()
    {
        await using var replicas = await fixture.StartReplicasAsync(2, AbuseHttp.Lockout(maxFailures: 5));
        var source = IPAddress.Parse("127.0.0.9");
        using var onA = LatchHttp.CreateClientFrom(replicas[0].ProxyAddress, source, maxConnections: 10);
        using var onB = LatchHttp.CreateClientFrom(replicas[1].ProxyAddress, source, maxConnections: 10);

        var statuses = await Task.WhenAll(Enumerable.Range(0, 20).Select(async i =>
        {
            using var response = await (i % 2 == 0 ? onA : onB).PresentAsync(LatchHttp.UniquePath(), LatchHttp.RandomCode());
            return response.StatusCode;
        }));

        Assert.All(statuses, s => Assert.True(s is HttpStatusCode.Forbidden or HttpStatusCode.TooManyRequests, $"unexpected {(int)s}"));
        Assert.True(statuses.Count(s => s == HttpStatusCode.Forbidden) == 5, string.Join(",", statuses.Select(s => (int)s)));

        // Both replicas write to the same audit stream: the five refusals counted, one lockout; the fifteen refused
        // while locked out are counted in the lockout's summary, written when it ends.
        var audit = await AbuseHttp.WaitForAuditAsync(
            replicas[0], e => e.Count(a => a.Type == "rejected" && a.ClientIp == "127.0.0.9") == 5 && e.Any(a => a.Type == "locked_out"));
        var lockout = Assert.Single(audit, a => a.Type == "locked_out");
        Assert.DoesNotContain(audit, a => a.Reason == "locked_out");
        Assert.Equal("client_ip", lockout.Reason);
        Assert.Equal("127.0.0.9", lockout.ClientIp);

        foreach (var client in new[] { onA, onB })
        {
            using var after = await client.PresentAsync(LatchHttp.UniquePath(), LatchHttp.RandomCode());
            await AbuseHttp.AssertLockedOutAsync(after);
        }
    }
}
