using System.Net;
using LatchGateway.Tests.Infrastructure;

namespace LatchGateway.Tests.Lockout;

/// <summary>
/// Wrong <c>X-Api-Key</c> values count per client address like refused codes: after <c>Latch:Lockout:MaxFailures</c>
/// of them the address gets 429 with <c>Retry-After</c> on the admin API, even with the right key. The wrong keys
/// come from 127.0.0.5 so the test can still use the admin API from 127.0.0.1.
/// </summary>
public sealed class AdminKeyLockoutTests(RedisAndBackendFixture fixture) : IClassFixture<RedisAndBackendFixture>
{
    private static readonly IPAddress Guesser = IPAddress.Parse("127.0.0.5");

    private static string OpsKey => GatewayInstance.ApiKeys["ops"].Key;

    [Fact]
    public async Task After_three_wrong_keys_the_fourth_call_is_429_even_with_the_right_key()
    {
        await using var gateway = await GatewayInstance.StartAsync(fixture.Backend, AbuseHttp.Lockout(maxFailures: 3));
        using var wrong = AbuseHttp.AdminClientFrom(gateway, Guesser, "wrong-key");
        using var right = AbuseHttp.AdminClientFrom(gateway, Guesser, OpsKey);

        foreach (var path in new[] { "admin/routes", "admin/codes", "admin/audit" })
        {
            using var response = await wrong.GetAsync(path);
            await LatchHttp.AssertProblemAsync(response, HttpStatusCode.Unauthorized);
        }

        using (var locked = await right.GetAsync("admin/routes"))
        {
            await LatchHttp.AssertProblemAsync(locked, HttpStatusCode.TooManyRequests);
            Assert.InRange(AbuseHttp.RetryAfterSeconds(locked), 291, 300);
            Assert.True(LatchHttp.IsNoStore(locked), "Cache-Control: no-store missing");
        }

        using (var lockedIssue = await right.PostAsync("admin/codes", JsonBody("""{"route":"orders-admin"}""")))
        {
            await LatchHttp.AssertProblemAsync(lockedIssue, HttpStatusCode.TooManyRequests);
            Assert.True(lockedIssue.Headers.Contains("Retry-After"), "Retry-After missing");
        }

        using (var lockedWrong = await wrong.GetAsync("admin/routes"))
        {
            await LatchHttp.AssertProblemAsync(lockedWrong, HttpStatusCode.TooManyRequests);
        }

        // Another address is not affected.
        using (var admin = gateway.CreateAdminClient())
        using (var other = await admin.GetAsync("admin/routes"))
        {
            Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        }

        var audit = await AbuseHttp.WaitForAuditAsync(gateway, e => e.Any(a => a.Type == "locked_out"));
        var lockout = Assert.Single(audit, a => a.Type == "locked_out");
        Assert.Equal("admin_api_key", lockout.Reason);
        Assert.Equal("127.0.0.5", lockout.ClientIp);
    }

    [Fact]
    public async Task Calls_without_a_key_do_not_count()
    {
        await using var gateway = await GatewayInstance.StartAsync(fixture.Backend, AbuseHttp.Lockout(maxFailures: 3));
        using var missing = AbuseHttp.AdminClientFrom(gateway, Guesser, apiKey: null);
        using var wrong = AbuseHttp.AdminClientFrom(gateway, Guesser, "wrong-key");
        using var right = AbuseHttp.AdminClientFrom(gateway, Guesser, OpsKey);

        for (var i = 0; i < 5; i++)
        {
            using var response = await missing.GetAsync("admin/routes");
            await LatchHttp.AssertProblemAsync(response, HttpStatusCode.Unauthorized);
        }

        for (var i = 0; i < 2; i++)
        {
            using var response = await wrong.GetAsync("admin/routes");
            await LatchHttp.AssertProblemAsync(response, HttpStatusCode.Unauthorized);
        }

        using (var stillFine = await right.GetAsync("admin/routes"))
        {
            Assert.Equal(HttpStatusCode.OK, stillFine.StatusCode);
        }

        using (var third = await wrong.GetAsync("admin/routes"))
        {
            await LatchHttp.AssertProblemAsync(third, HttpStatusCode.Unauthorized);
        }

        using var locked = await right.GetAsync("admin/routes");
        await LatchHttp.AssertProblemAsync(locked, HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task Wrong_keys_on_two_replicas_add_up_in_Redis_and_lock_the_address_on_both()
    {
        await using var replicas = await fixture.StartReplicasAsync(2, AbuseHttp.Lockout(maxFailures: 3));
        using var wrongOnA = AbuseHttp.AdminClientFrom(replicas[0], Guesser, "wrong-key-a");
        using var wrongOnB = AbuseHttp.AdminClientFrom(replicas[1], Guesser, "wrong-key-b");
        using var rightOnA = AbuseHttp.AdminClientFrom(replicas[0], Guesser, OpsKey);
        using var rightOnB = AbuseHttp.AdminClientFrom(replicas[1], Guesser, OpsKey);

        for (var i = 0; i < 2; i++)
        {
            using var response = await wrongOnA.GetAsync("admin/routes");
            await LatchHttp.AssertProblemAsync(response, HttpStatusCode.Unauthorized);
        }

        using (var beforeThird = await rightOnB.GetAsync("admin/routes"))
        {
            Assert.Equal(HttpStatusCode.OK, beforeThird.StatusCode);
        }

        using (var third = await wrongOnB.GetAsync("admin/routes"))
        {
            await LatchHttp.AssertProblemAsync(third, HttpStatusCode.Unauthorized);
        }

        foreach (var right in new[] { rightOnA, rightOnB })
        {
            using var locked = await right.GetAsync("admin/routes");
            await LatchHttp.AssertProblemAsync(locked, HttpStatusCode.TooManyRequests);
            Assert.InRange(AbuseHttp.RetryAfterSeconds(locked), 291, 300);
        }
    }

    private static StringContent JsonBody(string json) => new(json, System.Text.Encoding.UTF8, "application/json");
}
