using System.Net;
using LatchGateway.Contracts;
using LatchGateway.Tests.Infrastructure;

namespace LatchGateway.Tests.Lockout;

/// <summary>
/// What each replica sees of a lockout now that an accepted presentation looks it up alongside the consume (one
/// round trip): every replica reads the same lock in Redis, so a lockout imposed through one replica holds on the
/// others from the moment the refusal that imposed it was answered — no propagation delay, no view to go stale. A
/// valid code refused that way is put back, and counted in the lockout's summary like any request refused while it ran.
/// </summary>
public sealed class LockoutViewTests(RedisAndBackendFixture fixture) : IClassFixture<RedisAndBackendFixture>
{
    private const int MaxFailures = 3;

    private static readonly TimeSpan LockoutDuration = TimeSpan.FromSeconds(3);

    private static readonly IReadOnlyDictionary<string, string?> Settings = AbuseHttp.Merge(
        AbuseHttp.Lockout(MaxFailures, "00:00:03"),
        new Dictionary<string, string?>
        {
            ["Latch:ForwardedHeaders:KnownProxies:0"] = "127.0.0.1",
            ["Latch:Store:SweepInterval"] = "00:00:00.250",
        });

    [Fact]
    public async Task A_lockout_imposed_through_one_replica_holds_on_the_other_as_soon_as_it_is_answered()
    {
        await using var replicas = await fixture.StartReplicasAsync(2, Settings);
        var (first, second) = (replicas.All[0], replicas.All[1]);
        using var onFirst = LatchHttp.CreateClientFrom(first.ProxyAddress, IPAddress.Loopback);
        using var onSecond = LatchHttp.CreateClientFrom(second.ProxyAddress, IPAddress.Loopback);
        var codes = new[] { await first.IssueAsync(), await second.IssueAsync(), await second.IssueAsync() };

        for (var round = 0; round < 5; round++)
        {
            // A subject of its own each round: the last refusal through the first replica locks it out, and the
            // second replica, asked right after that answer, already refuses it a valid code.
            var guesser = ("X-Forwarded-For", $"192.0.2.{round + 10}");
            for (var i = 0; i < MaxFailures; i++)
            {
                using var refused = await onFirst.PresentAsync(LatchHttp.UniquePath(), LatchHttp.RandomCode(), null, guesser);
                Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            }

            using var locked = await onSecond.PresentAsync(LatchHttp.UniquePath(), codes[round % codes.Length].Code, null, guesser);
            await AbuseHttp.AssertLockedOutAsync(locked);
        }

        // None of the valid codes was consumed: another client is served with each.
        foreach (var code in codes)
        {
            using var accepted = await onSecond.PresentAsync(LatchHttp.UniquePath(), code.Code, null, ("X-Forwarded-For", "198.51.100.7"));
            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        }
    }

    [Fact]
    public async Task Valid_codes_refused_while_locked_out_are_counted_in_the_summary_and_accepted_once_it_ends()
    {
        await using var replicas = await fixture.StartReplicasAsync(2, Settings);
        var (first, second) = (replicas.All[0], replicas.All[1]);
        using var onFirst = LatchHttp.CreateClientFrom(first.ProxyAddress, IPAddress.Loopback);
        using var onSecond = LatchHttp.CreateClientFrom(second.ProxyAddress, IPAddress.Loopback);
        var guesser = ("X-Forwarded-For", "192.0.2.77");
        var valid = await first.IssueAsync();
        for (var i = 0; i < MaxFailures; i++)
        {
            using var refused = await onFirst.PresentAsync(LatchHttp.UniquePath(), LatchHttp.RandomCode(), null, guesser);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        for (var i = 0; i < 2; i++)
        {
            using var locked = await onSecond.PresentAsync(LatchHttp.UniquePath(), valid.Code, null, guesser);
            await AbuseHttp.AssertLockedOutAsync(locked);
        }

        using (var wrong = await onFirst.PresentAsync(LatchHttp.UniquePath(), LatchHttp.RandomCode(), null, guesser))
        {
            await AbuseHttp.AssertLockedOutAsync(wrong);
        }

        await Task.Delay(LockoutDuration + TimeSpan.FromSeconds(0.5));
        var audit = await AbuseHttp.WaitForAuditAsync(
            first, e => e.Any(a => a.Type == AuditEventTypes.LockoutEnded && a.ClientIp == "192.0.2.77"));
        Assert.Equal("suppressed=3", Assert.Single(audit, a => a.Type == AuditEventTypes.LockoutEnded && a.ClientIp == "192.0.2.77").Reason);

        using var accepted = await onSecond.PresentAsync(LatchHttp.UniquePath(), valid.Code, null, guesser);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }
}
