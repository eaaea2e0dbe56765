using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LatchGateway.Tests.Infrastructure;
using Xunit.Abstractions;

namespace LatchGateway.Tests.Redis;

/// <summary>
/// What <c>POST /admin/codes</c> asks of Redis, counted by relays between the gateway and Redis: one round trip — the
/// issue script and the lookup of the caller's API-key lockout are sent together. A caller found locked out gets 429
/// and no code, and the code stored meanwhile does not stay live; answers other than 201 (a bad body, a key without
/// the scope) are 429 too while the caller is locked out, so they tell a locked-out key guesser nothing.
/// </summary>
public abstract class AdminRoundTripTests(ITestOutputHelper output) : RelayedGatewayTests
{
    private const int Issues = 10;

    private static readonly IPAddress Guesser = IPAddress.Parse("127.0.0.81");

    [Fact]
    public async Task Issuing_a_code_is_one_round_trip_to_Redis()
    {
        using var admin = Gateway.CreateAdminClient();
        await WarmUpAsync(admin);

        for (var i = 0; i < Issues; i++)
        {
            var turns = await Relays.TurnsOf(async () =>
            {
                using var issued = await admin.PostAsJsonAsync("admin/codes", new { route = "orders-admin", user = $"user-{i}" });
                Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
            });

            output.WriteLine($"POST /admin/codes: {string.Join(" | ", RoundTripRelays.Describe(turns))}");

            // The issue script and the lockout's check script.
            Assert.Equal(["EVALSHA EVALSHA"], RoundTripRelays.Describe(turns));
        }
    }

    [Fact]
    public async Task A_locked_out_caller_gets_429_for_an_issue_and_no_code_stays_live()
    {
        using var admin = Gateway.CreateAdminClient();
        await WarmUpAsync(admin);
        var live = await LiveCodesAsync(admin);
        using var wrong = AbuseHttp.AdminClientFrom(Gateway, Guesser, "wrong-key");
        using var right = AbuseHttp.AdminClientFrom(Gateway, Guesser, GatewayInstance.ApiKeys["ops"].Key);
        using var unscoped = AbuseHttp.AdminClientFrom(Gateway, Guesser, GatewayInstance.ApiKeys["reader"].Key);
        for (var i = 0; i < 3; i++)
        {
            using var refused = await wrong.GetAsync("admin/routes");
            await LatchHttp.AssertProblemAsync(refused, HttpStatusCode.Unauthorized);
        }

        for (var i = 0; i < 3; i++)
        {
            var turns = await Relays.TurnsOf(async () =>
            {
                using var locked = await right.PostAsJsonAsync("admin/codes", new { route = "orders-admin", reason = $"locked-{i}" });
                var body = await LatchHttp.AssertProblemAsync(locked, HttpStatusCode.TooManyRequests);
                Assert.InRange(AbuseHttp.RetryAfterSeconds(locked), 1, 300);
                Assert.True(LatchHttp.IsNoStore(locked), "Cache-Control: no-store missing");
                Assert.False(body.TryGetProperty("code", out _), body.GetRawText());
            });
            output.WriteLine($"locked out: {string.Join(" | ", RoundTripRelays.Describe(turns))}");
        }

        // Whatever else a locked-out caller sends to the issue endpoint is 429 too: no 400 or 403 tells it its key is right.
        using (var bad = await right.PostAsync("admin/codes", new StringContent("""{"route":""}""", Encoding.UTF8, "application/json")))
        using (var unscopedIssue = await unscoped.PostAsJsonAsync("admin/codes", new { route = "orders-admin" }))
        {
            await LatchHttp.AssertProblemAsync(bad, HttpStatusCode.TooManyRequests);
            await LatchHttp.AssertProblemAsync(unscopedIssue, HttpStatusCode.TooManyRequests);
        }

        Assert.Equal(live, await LiveCodesAsync(admin));
        var audit = await AbuseHttp.AuditAsync(Gateway);
        Assert.DoesNotContain(audit, e => e.Type == "issued" && e.Reason is { } reason && reason.StartsWith("locked-", StringComparison.Ordinal));

        // Another address is not affected, and neither is the key.
        using var other = await admin.PostAsJsonAsync("admin/codes", new { route = "orders-admin" });
        Assert.Equal(HttpStatusCode.Created, other.StatusCode);
    }

    /// <summary>Connects the gateway to every node and loads its scripts: codes issued until one is 201, and presented.</summary>
    private static async Task WarmUpAsync(HttpClient admin)
    {
        Assert.True(await LatchHttp.EventuallyAsync(
            async () =>
            {
                using var issued = await admin.PostAsJsonAsync("admin/codes", new { route = "orders-admin" });
                return issued.StatusCode == HttpStatusCode.Created;
            },
            TimeSpan.FromSeconds(10)));
        for (var i = 0; i < 40; i++)
        {
            using var issued = await admin.PostAsJsonAsync("admin/codes", new { route = "orders-admin" });
            Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
        }
    }

    /// <summary>The ids of every live code, through every page of <c>GET /admin/codes</c>.</summary>
    private static async Task<List<string>> LiveCodesAsync(HttpClient admin)
    {
        using var response = await admin.GetAsync("admin/codes?limit=1000");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        using var document = JsonDocument.Parse(body);
        return [.. document.RootElement.EnumerateArray().Select(c => c.GetProperty("id").GetString()!).Order(StringComparer.Ordinal)];
    }
}

/// <summary>On one Redis server.</summary>
public sealed class AdminRoundTripSingleNodeTests(ITestOutputHelper output) : AdminRoundTripTests(output)
{
    protected override Task<RoundTripRelays> StartRedisAsync() => RoundTripRelays.StartSingleNodeAsync();
}

/// <summary>On a three-master Redis Cluster whose nodes announce their relays' ports, so every command passes one.</summary>
public sealed class AdminRoundTripClusterTests(ITestOutputHelper output) : AdminRoundTripTests(output)
{
    protected override Task<RoundTripRelays> StartRedisAsync() => RoundTripRelays.StartClusterAsync();
}
