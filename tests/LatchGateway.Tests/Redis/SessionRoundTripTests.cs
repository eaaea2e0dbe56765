using System.Net;
using System.Net.Http.Json;
using LatchGateway.Tests.Infrastructure;
using LatchGateway.Tests.Sessions;
using Xunit.Abstractions;

namespace LatchGateway.Tests.Redis;

/// <summary>
/// What a Session route asks of Redis, counted by relays between the gateway and Redis: a request served by a session
/// (cookie or <c>X-Latch-Session</c>) is one round trip, its one script checking and noting the use; opening a
/// session (a code presented on a Session route) is one round trip too — the code's consume and the session's
/// opening are one script, sent together with the lookup of the presenter's lockout. The rules still hold: a code
/// opens at most one session, a refused or locked-out presentation opens none, and an ended session is refused at
/// once by every replica.
/// </summary>
public abstract class SessionRoundTripTests(ITestOutputHelper output) : RelayedGatewayTests
{
    private const int Requests = 10;

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = SessionGatewayFixture<MemoryGatewayFixture>.Settings();

    [Fact]
    public async Task A_request_on_a_session_is_one_round_trip_to_Redis_by_cookie_and_by_header()
    {
        var (token, code) = await WarmUpAsync(Gateway, IPAddress.Parse("127.0.0.71"));
        using var client = SessionHttp.Client(Gateway.ProxyAddress, IPAddress.Parse("127.0.0.71"));

        for (var i = 0; i < Requests; i++)
        {
            var carrier = i % 2 == 0 ? ("Cookie", $"Latch-Session-console={token}") : ("X-Latch-Session", token);
            var turns = await Relays.TurnsOf(async () =>
            {
                using var used = await SessionHttp.SendAsync(client, HttpMethod.Get, LatchHttp.UniquePath("/console/"), carrier);
                Assert.Equal(HttpStatusCode.OK, used.StatusCode);
            });

            output.WriteLine($"{carrier.Item1}: {string.Join(" | ", RoundTripRelays.Describe(turns))}");
            Assert.Equal(["EVALSHA"], RoundTripRelays.Describe(turns));
        }

        Assert.All(Backend.ReceivedUnder("/console/").TakeLast(Requests), r => Assert.Equal(code.Id, r.Headers["X-Latch-Id"]));
    }

    [Fact]
    public async Task Opening_a_session_is_one_round_trip_to_Redis_whether_answered_303_or_forwarded()
    {
        var source = IPAddress.Parse("127.0.0.72");
        await WarmUpAsync(Gateway, source);
        using var client = SessionHttp.Client(Gateway.ProxyAddress, source);

        foreach (var byQuery in new[] { true, false, true, false })
        {
            var code = await Gateway.IssueAsync("console");
            var path = LatchHttp.UniquePath("/console/");
            var turns = await Relays.TurnsOf(async () =>
            {
                using var opened = byQuery
                    ? await client.GetAsync($"{path}?latch_code={code.Code}")
                    : await SessionHttp.SendAsync(client, HttpMethod.Get, path, ("X-Latch-Code", code.Code));
                Assert.Equal(byQuery ? HttpStatusCode.SeeOther : HttpStatusCode.OK, opened.StatusCode);
                SessionHttp.AssertSessionCookie(opened, "console", SessionGatewayFixture<MemoryGatewayFixture>.LifetimeSeconds);
            });

            output.WriteLine($"opening ({(byQuery ? "303" : "forwarded")}): {string.Join(" | ", RoundTripRelays.Describe(turns))}");
            Assert.Equal(["EVALSHA PTTL"], RoundTripRelays.Describe(turns));
        }
    }

    [Fact]
    public async Task Of_concurrent_presentations_of_one_code_on_two_replicas_exactly_one_opens_a_session()
    {
        await using var other = await StartGatewayAsync();
        var source = IPAddress.Parse("127.0.0.73");
        await WarmUpAsync(Gateway, source);
        await WarmUpAsync(other, source);

        for (var round = 0; round < 5; round++)
        {
            // From addresses of their own: the losers' refusals lock no one out.
            var code = await Gateway.IssueAsync("console");
            var presentations = Enumerable.Range(0, 6).Select(async i =>
            {
                using var client = SessionHttp.Client((i % 2 == 0 ? Gateway : other).ProxyAddress, IPAddress.Parse($"127.0.{10 + round}.{i + 1}"));
                using var response = await client.GetAsync($"{LatchHttp.UniquePath("/console/")}?latch_code={code.Code}");
                return response.StatusCode;
            });

            var statuses = await Task.WhenAll(presentations);

            Assert.Single(statuses, s => s == HttpStatusCode.SeeOther);
            Assert.All(statuses.Where(s => s != HttpStatusCode.SeeOther), s => Assert.Equal(HttpStatusCode.Forbidden, s));
            using var admin = Gateway.CreateAdminClient();
            Assert.Single(await SessionsOfAsync(admin, code.Id));
        }
    }

    [Fact]
    public async Task A_session_ended_or_whose_code_is_revoked_on_one_replica_is_refused_at_once_on_the_other()
    {
        await using var other = await StartGatewayAsync();
        var source = IPAddress.Parse("127.0.0.74");
        var (bySession, sessionCode) = await WarmUpAsync(Gateway, source);
        var (byCode, code) = await WarmUpAsync(Gateway, source);
        using var onA = SessionHttp.Client(Gateway.ProxyAddress, source);
        using var onB = SessionHttp.Client(other.ProxyAddress, source);
        async Task<HttpResponseMessage> UseAsync(HttpClient client, string token) =>
            await SessionHttp.SendAsync(client, HttpMethod.Get, LatchHttp.UniquePath("/console/"), ("Cookie", $"Latch-Session-console={token}"));

        foreach (var token in new[] { bySession, byCode })
        {
            using var used = await UseAsync(onB, token);
            Assert.Equal(HttpStatusCode.OK, used.StatusCode);
        }

        using var adminA = Gateway.CreateAdminClient();
        var id = Assert.Single(await SessionsOfAsync(adminA, sessionCode.Id));
        using (var ended = await adminA.DeleteAsync($"admin/sessions/{id}"))
        using (var revoked = await adminA.DeleteAsync($"admin/codes/{code.Id}"))
        {
            Assert.Equal((HttpStatusCode.NoContent, HttpStatusCode.NoContent), (ended.StatusCode, revoked.StatusCode));
        }

        foreach (var token in new[] { bySession, byCode })
        {
            using var onOther = await UseAsync(onB, token);
            await SessionHttp.AssertRequiredAndClearedAsync(onOther, "console");
            using var onSame = await UseAsync(onA, token);
            await SessionHttp.AssertRequiredAndClearedAsync(onSame, "console");
        }

        using var adminB = other.CreateAdminClient();
        Assert.Empty(await SessionsOfAsync(adminB, sessionCode.Id));
        Assert.Empty(await SessionsOfAsync(adminB, code.Id));
    }

    [Fact]
    public async Task A_refused_or_locked_out_presentation_opens_no_session_and_a_locked_out_one_leaves_the_code_live()
    {
        var source = IPAddress.Parse("127.0.0.75");
        await WarmUpAsync(Gateway, source);
        using var client = SessionHttp.Client(Gateway.ProxyAddress, source);
        using var admin = Gateway.CreateAdminClient();

        // Bound to another address: the code is consumed and refused, and no session stays behind it.
        var elsewhere = await SessionHttp.IssueAsync(Gateway, ip: "192.0.2.1");
        using (var refused = await client.GetAsync($"{LatchHttp.UniquePath("/console/")}?latch_code={elsewhere.Code}"))
        {
            await LatchHttp.AssertProblemAsync(refused, HttpStatusCode.Forbidden);
            Assert.False(refused.Headers.Contains("Set-Cookie"));
        }

        Assert.Empty(await SessionsOfAsync(admin, elsewhere.Id));

        // Two more refusals lock the client out (three in all): a valid code is then answered 429, opens nothing,
        // and stays live for when the lockout ends.
        await client.RefuseAsync(2, prefix: "/console/");
        var valid = await Gateway.IssueAsync("console");
        using (var locked = await client.GetAsync($"{LatchHttp.UniquePath("/console/")}?latch_code={valid.Code}"))
        {
            await AbuseHttp.AssertLockedOutAsync(locked);
            Assert.False(locked.Headers.Contains("Set-Cookie"));
        }

        Assert.Empty(await SessionsOfAsync(admin, valid.Id));
        using var metadata = await admin.GetAsync($"admin/codes/{valid.Id}");
        Assert.Equal(HttpStatusCode.OK, metadata.StatusCode);
    }

    /// <summary>
    /// Connects the gateway to every node and loads its scripts (the first use of one is an <c>EVAL</c>): a code
    /// issued, a session opened and used, a refusal counted from another address. Returns the session opened.
    /// </summary>
    private static async Task<(string Token, IssuedCode Code)> WarmUpAsync(GatewayInstance gateway, IPAddress source)
    {
        // The gateway connects to the nodes it learns of from the first: requests fail closed (503) until then.
        string? token = null;
        IssuedCode? code = null;
        using var client = SessionHttp.Client(gateway.ProxyAddress, source);
        Assert.True(await LatchHttp.EventuallyAsync(
            async () =>
            {
                using var admin = gateway.CreateAdminClient();
                using var issued = await admin.PostAsJsonAsync("admin/codes", new { route = "console" });
                if (issued.StatusCode != HttpStatusCode.Created)
                {
                    return false;
                }

                code = System.Text.Json.JsonSerializer.Deserialize<IssuedCode>(await issued.Content.ReadAsStringAsync(), GatewayInstance.Json)!;
                using var opened = await client.GetAsync($"{LatchHttp.UniquePath("/console/")}?latch_code={code.Code}");
                if (opened.StatusCode != HttpStatusCode.SeeOther)
                {
                    return false;
                }

                token = SessionHttp.AssertSessionCookie(opened, "console", SessionGatewayFixture<MemoryGatewayFixture>.LifetimeSeconds);
                return true;
            },
            TimeSpan.FromSeconds(10)));
        using (var used = await SessionHttp.SendAsync(client, HttpMethod.Get, LatchHttp.UniquePath("/console/"), ("X-Latch-Session", token!)))
        {
            Assert.Equal(HttpStatusCode.OK, used.StatusCode);
        }

        using var stranger = SessionHttp.Client(gateway.ProxyAddress, IPAddress.Parse("127.0.0.70"));
        using (var refused = await stranger.PresentAsync(LatchHttp.UniquePath("/console/"), LatchHttp.RandomCode()))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        return (token!, code!);
    }

    /// <summary>The ids of the open sessions code <paramref name="codeId"/> opened, as <c>GET /admin/sessions</c> lists them.</summary>
    private static async Task<List<string>> SessionsOfAsync(HttpClient admin, string codeId)
    {
        using var response = await admin.GetAsync("admin/sessions?route=console");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        using var document = System.Text.Json.JsonDocument.Parse(body);
        return document.RootElement.EnumerateArray()
            .Where(s => s.GetProperty("codeId").GetString() == codeId)
            .Select(s => s.GetProperty("id").GetString()!)
            .ToList();
    }
}

/// <summary>On one Redis server.</summary>
public sealed class SessionRoundTripSingleNodeTests(ITestOutputHelper output) : SessionRoundTripTests(output)
{
    protected override Task<RoundTripRelays> StartRedisAsync() => RoundTripRelays.StartSingleNodeAsync();
}

/// <summary>On a three-master Redis Cluster whose nodes announce their relays' ports, so every command passes one.</summary>
public sealed class SessionRoundTripClusterTests(ITestOutputHelper output) : SessionRoundTripTests(output)
{
    protected override Task<RoundTripRelays> StartRedisAsync() => RoundTripRelays.StartClusterAsync();
}
