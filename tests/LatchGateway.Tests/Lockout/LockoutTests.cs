using System.Net;
using LatchGateway.Tests.Infrastructure;

namespace LatchGateway.Tests.Lockout;

/// <summary>
/// <c>Latch:Lockout</c> on the memory store, over real sockets: refused presentations (403s) from one address lock
/// it out of every latched route (429 <c>latch_locked_out</c> with <c>Retry-After</c>). Every test starts its own
/// gateway: lockout state lives in the gateway's memory.
/// </summary>
public sealed class LockoutTests : IAsyncLifetime
{
    private TestBackend _backend = null!;

    public async Task InitializeAsync() => _backend = await TestBackend.StartAsync();

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    [Fact]
    public async Task Three_refusals_lock_the_address_out_of_every_latched_route_with_Retry_After()
    {
        await using var gateway = await GatewayInstance.StartAsync(_backend, AbuseHttp.Lockout(maxFailures: 3));
        using var proxy = gateway.CreateProxyClient();
        var valid = await gateway.IssueAsync();
        var validForExports = await gateway.IssueAsync(route: "exports");

        await proxy.RefuseAsync(3);
        using var guess = await proxy.PresentAsync(LatchHttp.UniquePath(), LatchHttp.RandomCode());
        using var validCode = await proxy.PresentAsync(LatchHttp.UniquePath(), valid.Code);
        using var otherRoute = await proxy.PresentAsync(LatchHttp.UniquePath("/exports/"), validForExports.Code);
        using var noCode = await proxy.PresentAsync(LatchHttp.UniquePath(), code: null);
        var plainPath = LatchHttp.UniquePath("/public/");
        using var plain = await proxy.PresentAsync(plainPath, code: null);

        foreach (var response in new[] { guess, validCode, otherRoute })
        {
            var retryAfter = await AbuseHttp.AssertLockedOutAsync(response);
            Assert.InRange(retryAfter, 291, 300);
        }

        // Without a code there is nothing to refuse or to consume: 401, as always, with no store call needed.
        await LatchHttp.AssertProblemAsync(noCode, HttpStatusCode.Unauthorized);

        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        Assert.Single(_backend.ReceivedUnder(plainPath));
        Assert.Empty(_backend.ReceivedUnder("/orders/admin/"));
        Assert.Empty(_backend.ReceivedUnder("/exports/"));
    }

    [Fact]
    public async Task The_lockout_is_per_address()
    {
        await using var gateway = await GatewayInstance.StartAsync(_backend, AbuseHttp.Lockout(maxFailures: 3));
        using var offender = LatchHttp.CreateClientFrom(gateway.ProxyAddress, IPAddress.Parse("127.0.0.2"));
        using var bystander = gateway.CreateProxyClient();
        var code = await gateway.IssueAsync();

        await offender.RefuseAsync(3);
        using var locked = await offender.PresentAsync(LatchHttp.UniquePath(), LatchHttp.RandomCode());
        using var fine = await bystander.PresentAsync(LatchHttp.UniquePath(), code.Code);

        await AbuseHttp.AssertLockedOutAsync(locked);
        Assert.Equal(HttpStatusCode.OK, fine.StatusCode);
    }

    [Fact]
    public async Task Requests_without_a_code_do_not_count()
    {
        await using var gateway = await GatewayInstance.StartAsync(_backend, AbuseHttp.Lockout(maxFailures: 3));
        using var proxy = gateway.CreateProxyClient();

        await proxy.RefuseAsync(2);
        for (var i = 0; i < 10; i++)
        {
            using var missing = await proxy.PresentAsync(LatchHttp.UniquePath(), code: i % 2 == 0 ? null : "");
            Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        }

        var code = await gateway.IssueAsync();
        using var accepted = await proxy.PresentAsync(LatchHttp.UniquePath(), code.Code);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);

        // The third refusal, not the twelfth request, is what locks.
        await proxy.RefuseAsync(1);
        using var locked = await proxy.PresentAsync(LatchHttp.UniquePath(), LatchHttp.RandomCode());
        await AbuseHttp.AssertLockedOutAsync(locked);
    }

    [Fact]
    public async Task Issuing_a_new_code_does_not_reset_the_count()
    {
        await using var gateway = await GatewayInstance.StartAsync(_backend, AbuseHttp.Lockout(maxFailures: 3));
        using var proxy = gateway.CreateProxyClient();

        await proxy.RefuseAsync(2);
        var fresh = await gateway.IssueAsync();
        await proxy.RefuseAsync(1);
        var path = LatchHttp.UniquePath();
        using var locked = await proxy.PresentAsync(path, fresh.Code);

        await AbuseHttp.AssertLockedOutAsync(locked);
        Assert.Empty(_backend.ReceivedUnder(path));
    }

    [Fact]
    public async Task A_valid_code_presented_while_locked_out_is_not_consumed_and_works_after_the_lockout()
    {
        await using var gateway = await StartOnClockAsync(duration: "00:00:03");
        using var proxy = gateway.CreateProxyClient();
        var code = await gateway.IssueAsync();

        await proxy.RefuseAsync(3);
        using (var locked = await proxy.PresentAsync(LatchHttp.UniquePath(), code.Code))
        {
            Assert.InRange(await AbuseHttp.AssertLockedOutAsync(locked), 1, 3);
        }

        using (var admin = gateway.CreateAdminClient())
        using (var metadata = await admin.GetAsync($"admin/codes/{code.Id}"))
        {
            Assert.Equal(HttpStatusCode.OK, metadata.StatusCode);
        }

        // Each 429 on the way put the code back; the first presentation after the lockout is accepted.
        gateway.Advance(TimeSpan.FromSeconds(2));
        using (var stillLocked = await proxy.PresentAsync(LatchHttp.UniquePath(), code.Code))
        {
            Assert.Equal(1, await AbuseHttp.AssertLockedOutAsync(stillLocked));
        }

        gateway.Advance(TimeSpan.FromSeconds(1));
        var path = await PresentAcceptedAsync(proxy, code.Code);
        Assert.Single(_backend.ReceivedUnder(path));
    }

    [Fact]
    public async Task Retry_After_counts_down_to_the_end_of_the_lockout()
    {
        await using var gateway = await StartOnClockAsync(duration: "00:00:04");
        using var proxy = gateway.CreateProxyClient();

        await proxy.RefuseAsync(3);
        var first = await RetryAfterAsync(proxy);
        Assert.InRange(first, 3, 4);

        // Retry-After is the time left rounded up to whole seconds.
        gateway.Advance(TimeSpan.FromSeconds(1.5));
        var later = await RetryAfterAsync(proxy);
        Assert.True(later < first, $"Retry-After stayed at {later} (first {first})");
        Assert.InRange(later, 1, first - 1);
        gateway.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(1, await RetryAfterAsync(proxy));

        gateway.Advance(TimeSpan.FromSeconds(0.5));
        var code = await gateway.IssueAsync();
        await PresentAcceptedAsync(proxy, code.Code);
    }

    [Fact]
    public async Task The_lockout_is_audited_once_and_the_presentations_it_refuses_are_counted_when_it_ends()
    {
        await using var gateway = await GatewayInstance.StartAsync(_backend, AbuseHttp.Lockout(maxFailures: 3), clock: GatewayTime.NewClock());
        using var proxy = gateway.CreateProxyClient();
        var code = await gateway.IssueAsync();

        await proxy.RefuseAsync(3);
        using (var first = await proxy.PresentAsync(LatchHttp.UniquePath(), code.Code))
        using (var second = await proxy.PresentAsync(LatchHttp.UniquePath("/exports/"), LatchHttp.RandomCode()))
        {
            await AbuseHttp.AssertLockedOutAsync(first);
            await AbuseHttp.AssertLockedOutAsync(second);
        }

        var audit = await AbuseHttp.WaitForAuditAsync(gateway, e => e.Any(a => a.Type == "locked_out"));
        var lockout = Assert.Single(audit, a => a.Type == "locked_out");
        Assert.Equal("client_ip", lockout.Reason);
        Assert.Equal("127.0.0.1", lockout.ClientIp);
        Assert.Equal("orders-admin", lockout.Route);
        Assert.Equal(3, audit.Count(a => a.Type == "rejected" && a.Reason == "invalid"));

        // The two presentations refused while locked out (the valid code among them, put back) are not audited one by
        // one: the lockout's end counts them.
        Assert.DoesNotContain(audit, a => a.Reason == "locked_out");
        gateway.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(30));
        var ended = Assert.Single(await AbuseHttp.WaitForAuditAsync(gateway, e => e.Count > 0, "type=lockout_ended"));
        Assert.Equal("suppressed=2", ended.Reason);
        Assert.Equal("127.0.0.1", ended.ClientIp);
        Assert.Equal("orders-admin", ended.Route);
    }

    [Fact]
    public async Task Concurrent_refusals_lock_the_address_exactly_once()
    {
        await using var gateway = await GatewayInstance.StartAsync(_backend, AbuseHttp.Lockout(maxFailures: 5));
        using var proxy = LatchHttp.CreateClientFrom(gateway.ProxyAddress, IPAddress.Parse("127.0.0.7"), maxConnections: 20);

        var statuses = await Task.WhenAll(Enumerable.Range(0, 20).Select(async _ =>
        {
            using var response = await proxy.PresentAsync(LatchHttp.UniquePath(), LatchHttp.RandomCode());
            return response.StatusCode;
        }));

        Assert.All(statuses, s => Assert.True(s is HttpStatusCode.Forbidden or HttpStatusCode.TooManyRequests, $"unexpected {(int)s}"));
        Assert.True(statuses.Count(s => s == HttpStatusCode.Forbidden) == 5, string.Join(",", statuses.Select(s => (int)s)));
        var audit = await AbuseHttp.WaitForAuditAsync(gateway, e => e.Any(a => a.Type == "locked_out"));
        Assert.Single(audit, a => a.Type == "locked_out");
        Assert.Equal(5, audit.Count(a => a.Type == "rejected" && a.ClientIp == "127.0.0.7"));
        using var after = await proxy.PresentAsync(LatchHttp.UniquePath(), LatchHttp.RandomCode());
        await AbuseHttp.AssertLockedOutAsync(after);
    }

    /// <summary>
    /// A very long window or lockout (thousands of years) is either refused at start-up, naming the key, or
    /// enforced: it must not turn the lockout off on latched routes, nor make a wrong API key a 500.
    /// </summary>
    [Theory]
    [InlineData("Latch:Lockout:Duration", "3650000.00:00:00", "proxy")]
    [InlineData("Latch:Lockout:Window", "10675199.02:48:05", "proxy")]
    [InlineData("Latch:Lockout:Duration", "3650000.00:00:00", "admin")]
    [InlineData("Latch:Lockout:Window", "10675199.02:48:05", "admin")]
    public async Task A_huge_window_or_duration_is_refused_at_start_up_or_enforced(string key, string value, string surface)
    {
        var settings = AbuseHttp.Lockout(maxFailures: 3);
        settings[key] = value;
        GatewayInstance? gateway = null;
        var failure = await Record.ExceptionAsync(async () => gateway = await GatewayInstance.StartAsync(_backend, settings));
        if (failure is not null)
        {
            Assert.Contains(key, failure.ToString(), StringComparison.Ordinal);
            return;
        }

        await using (gateway!)
        {
            if (surface == "proxy")
            {
                using var proxy = gateway!.CreateProxyClient();
                await proxy.RefuseAsync(3);
                using var locked = await proxy.PresentAsync(LatchHttp.UniquePath(), LatchHttp.RandomCode());
                await AbuseHttp.AssertLockedOutAsync(locked);
                return;
            }

            using var guesser = AbuseHttp.AdminClientFrom(gateway!, IPAddress.Parse("127.0.0.5"), "wrong-key");
            for (var i = 0; i < 3; i++)
            {
                using var wrong = await guesser.GetAsync("admin/routes");
                Assert.True(wrong.StatusCode == HttpStatusCode.Unauthorized, $"wrong key {i + 1}: {await LatchHttp.DescribeAsync(wrong)}");
            }

            using var right = AbuseHttp.AdminClientFrom(gateway!, IPAddress.Parse("127.0.0.5"), GatewayInstance.ApiKeys["ops"].Key);
            using var adminLocked = await right.GetAsync("admin/routes");
            Assert.Equal(HttpStatusCode.TooManyRequests, adminLocked.StatusCode);
        }
    }

    /// <summary>A gateway that locks an address out for <paramref name="duration"/> after 3 refusals, on a fake clock the test advances.</summary>
    private Task<GatewayInstance> StartOnClockAsync(string duration) =>
        GatewayInstance.StartAsync(_backend, AbuseHttp.Lockout(maxFailures: 3, duration: duration), clock: GatewayTime.NewClock());

    /// <summary>Presents a never-issued code while locked out; returns the <c>Retry-After</c> of the 429.</summary>
    private static async Task<int> RetryAfterAsync(HttpClient proxy)
    {
        using var locked = await proxy.PresentAsync(LatchHttp.UniquePath(), LatchHttp.RandomCode());
        return await AbuseHttp.AssertLockedOutAsync(locked);
    }

    /// <summary>Presents a valid <paramref name="code"/> once the lockout has ended and asserts it is accepted; returns the path.</summary>
    private static async Task<string> PresentAcceptedAsync(HttpClient proxy, string code)
    {
        var path = LatchHttp.UniquePath();
        using var response = await proxy.PresentAsync(path, code);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"not accepted after the lockout: {await LatchHttp.DescribeAsync(response)}");
        return path;
    }
}
