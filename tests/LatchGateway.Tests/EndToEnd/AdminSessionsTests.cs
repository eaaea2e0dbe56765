using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using LatchGateway.Codes;
using LatchGateway.Contracts;
using LatchGateway.Sessions;
using LatchGateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LatchGateway.Tests.EndToEnd;

/// <summary>
/// Listing and ending unlock sessions through the admin API, and revoking the code that opened them. Sessions are
/// put in the gateway's own session store, as the Session routes open them.
/// </summary>
public abstract class AdminSessionsTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : GatewayFixture
{
    private static readonly string[] Members = ["id", "codeId", "route", "user", "clientIp", "openedAt", "expiresAt"];

    private GatewayInstance Gateway => fixture.Gateway;

    [Fact]
    public async Task List_shows_open_sessions_newest_first_with_every_member_and_never_the_token()
    {
        var user = $"alice-{Guid.NewGuid():N}";
        var now = Now();
        var older = await SessionStore.AddAsync(Gateway, NewId(), user: user, network: "203.0.113.7/32", openedAt: now.AddSeconds(-2));
        var newer = await SessionStore.AddAsync(Gateway, NewId(), user: user, network: "10.0.0.0/8", openedAt: now.AddSeconds(-1));
        var v6 = await SessionStore.AddAsync(Gateway, NewId(), user: user, network: "2001:db8::1/128", openedAt: now);
        using var admin = Gateway.CreateAdminClient("reader");

        using var response = await admin.GetAsync($"admin/sessions?user={user}");

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        Assert.True(LatchHttp.IsNoStore(response), "Cache-Control: no-store missing");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var listed = Parse(body);
        Assert.Equal([v6.Session.Id, newer.Session.Id, older.Session.Id], listed.Select(Id));
        Assert.All(listed, s => Assert.Equal(Members.Order(StringComparer.Ordinal), s.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal)));
        Assert.Equal(["2001:db8::1", "10.0.0.0/8", "203.0.113.7"], listed.Select(s => s.Str("clientIp")));
        var shown = listed[2];
        Assert.Equal(older.Session.CodeId, shown.Str("codeId"));
        Assert.Equal("orders-admin", shown.Str("route"));
        Assert.Equal(user, shown.Str("user"));
        Assert.Equal(older.Session.OpenedAt, shown.GetProperty("openedAt").GetDateTimeOffset());
        Assert.Equal(older.Session.ExpiresAt, shown.GetProperty("expiresAt").GetDateTimeOffset());
        foreach (var (session, token) in new[] { older, newer, v6 })
        {
            Assert.DoesNotContain(token, body, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(session.TokenDigest.ToHex(), body, StringComparison.OrdinalIgnoreCase);
            var digest = new byte[CodeDigest.Size];
            session.TokenDigest.CopyTo(digest);
            Assert.DoesNotContain(Convert.ToBase64String(digest), body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task List_filters_by_route_and_user_and_leaves_out_ended_sessions()
    {
        var user = $"bob-{Guid.NewGuid():N}";
        var orders = await SessionStore.AddAsync(Gateway, NewId(), user: user);
        var exports = await SessionStore.AddAsync(Gateway, NewId(), route: "exports", user: user);
        var other = await SessionStore.AddAsync(Gateway, NewId(), route: "exports", user: $"carol-{Guid.NewGuid():N}");
        var ended = await SessionStore.AddAsync(Gateway, NewId(), user: user);
        Assert.NotNull(await Gateway.GetService<ISessionStore>().EndAsync(ended.Session.Id, default));
        using var admin = Gateway.CreateAdminClient("reader");

        var byUser = await ListAsync(admin, $"admin/sessions?user={user}");
        var byRouteAndUser = await ListAsync(admin, $"admin/sessions?route=exports&user={user}");
        var byRoute = await ListAsync(admin, "admin/sessions?route=exports");
        var all = await ListAsync(admin, "admin/sessions");

        Assert.Equal(new[] { orders.Session.Id, exports.Session.Id }.Order(StringComparer.Ordinal), byUser.Select(Id).Order(StringComparer.Ordinal));
        Assert.Equal([exports.Session.Id], byRouteAndUser.Select(Id));
        Assert.Contains(other.Session.Id, byRoute.Select(Id));
        Assert.All(byRoute, s => Assert.Equal("exports", s.Str("route")));
        Assert.Contains(orders.Session.Id, all.Select(Id));
        Assert.DoesNotContain(ended.Session.Id, all.Select(Id));
    }

    [Fact]
    public async Task Listing_needs_a_key_with_codes_read()
    {
        using var none = Gateway.CreateAdminClient(keyName: null);
        using var issuer = Gateway.CreateAdminClient("issuer");

        using var anonymous = await none.GetAsync("admin/sessions");
        using var forbidden = await issuer.GetAsync("admin/sessions");

        await LatchHttp.AssertProblemAsync(anonymous, HttpStatusCode.Unauthorized);
        await LatchHttp.AssertProblemAsync(forbidden, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Ending_needs_a_key_with_codes_revoke_and_leaves_the_session_open_otherwise()
    {
        var (session, _) = await SessionStore.AddAsync(Gateway, NewId());
        using var none = Gateway.CreateAdminClient(keyName: null);
        using var reader = Gateway.CreateAdminClient("reader");

        using var anonymous = await none.DeleteAsync($"admin/sessions/{session.Id}");
        using var forbidden = await reader.DeleteAsync($"admin/sessions/{session.Id}");

        await LatchHttp.AssertProblemAsync(anonymous, HttpStatusCode.Unauthorized);
        await LatchHttp.AssertProblemAsync(forbidden, HttpStatusCode.Forbidden);
        Assert.Contains(session.Id, (await ListAsync(reader, "admin/sessions")).Select(Id));
    }

    [Fact]
    public async Task Ending_is_204_then_404_and_the_session_is_gone_and_audited_as_revoked_by_the_caller()
    {
        var user = $"dave-{Guid.NewGuid():N}";
        var (session, token) = await SessionStore.AddAsync(Gateway, NewId(), user: user);
        using var admin = Gateway.CreateAdminClient();

        using var first = await admin.DeleteAsync($"admin/sessions/{session.Id}");
        using var second = await admin.DeleteAsync($"admin/sessions/{session.Id}");

        Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        Assert.True(LatchHttp.IsNoStore(first), "Cache-Control: no-store missing");
        await LatchHttp.AssertProblemAsync(second, HttpStatusCode.NotFound);
        Assert.Empty(await ListAsync(admin, $"admin/sessions?user={user}"));
        var lookup = await Gateway.GetService<ISessionStore>().UseAsync(Gateway.GetService<CodeHasher>().Compute(token), DateTimeOffset.UtcNow, default);
        Assert.Equal(SessionState.Unknown, lookup.State);
        var ended = await AuditHttp.WaitForEventAsync(admin, "session_ended", session.CodeId);
        Assert.Equal(("orders-admin", user, "revoked", "ops", "127.0.0.1"), (ended.Str("route"), ended.Str("user"), ended.Str("reason"), ended.Str("actor"), ended.Str("clientIp")));
    }

    [Fact]
    public async Task Ending_an_unknown_session_is_404_problem()
    {
        using var admin = Gateway.CreateAdminClient();

        using var response = await admin.DeleteAsync("admin/sessions/doesnotexist0000000000");

        await LatchHttp.AssertProblemAsync(response, HttpStatusCode.NotFound);
        Assert.True(LatchHttp.IsNoStore(response), "Cache-Control: no-store missing");
    }

    [Fact]
    public async Task Revoking_a_consumed_code_ends_every_session_it_opened_at_once()
    {
        var user = $"erin-{Guid.NewGuid():N}";
        var code = await Gateway.IssueAsync();
        using (var proxy = Gateway.CreateProxyClient())
        using (var used = await proxy.GetWithCodeAsync(LatchHttp.UniquePath(), code.Code))
        {
            Assert.Equal(HttpStatusCode.OK, used.StatusCode);
        }

        await SessionStore.AddAsync(Gateway, code.Id, user: user);
        await SessionStore.AddAsync(Gateway, code.Id, user: user);
        var unrelated = await SessionStore.AddAsync(Gateway, NewId(), user: user);
        using var admin = Gateway.CreateAdminClient();

        using var revoked = await admin.DeleteAsync($"admin/codes/{code.Id}");
        using var again = await admin.DeleteAsync($"admin/codes/{code.Id}");

        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        await LatchHttp.AssertProblemAsync(again, HttpStatusCode.NotFound);
        Assert.Equal([unrelated.Session.Id], (await ListAsync(admin, $"admin/sessions?user={user}")).Select(Id));
        var events = await AuditHttp.WaitForEventsAsync(
            admin,
            $"?limit=1000&user={user}",
            e => e.Count(x => x.Str("type") == "session_ended" && x.Str("codeId") == code.Id) == 2,
            $"two session_ended events of code {code.Id}");
        Assert.All(
            events.Where(x => x.Str("codeId") == code.Id),
            x => Assert.Equal(("session_ended", "revoked", "ops"), (x.Str("type"), x.Str("reason"), x.Str("actor"))));
        Assert.DoesNotContain(events, x => x.Str("codeId") == unrelated.Session.CodeId);
    }

    [Fact]
    public async Task Revoking_a_live_code_revokes_it_and_ends_its_sessions()
    {
        var code = await Gateway.IssueAsync();
        var (session, _) = await SessionStore.AddAsync(Gateway, code.Id);
        using var admin = Gateway.CreateAdminClient();

        using var revoked = await admin.DeleteAsync($"admin/codes/{code.Id}");

        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        Assert.DoesNotContain(session.Id, (await ListAsync(admin, "admin/sessions")).Select(Id));
        await AuditHttp.WaitForEventAsync(admin, "revoked", code.Id);
        var ended = await AuditHttp.WaitForEventAsync(admin, "session_ended", code.Id);
        Assert.Equal("revoked", ended.Str("reason"));
    }

    private static DateTimeOffset Now() => DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());

    private static string NewId() => CrockfordBase32.Generate(20).ToLowerInvariant();

    private static string Id(JsonElement session) => session.Str("id")!;

    private static List<JsonElement> Parse(string body)
    {
        using var document = JsonDocument.Parse(body);
        return document.RootElement.EnumerateArray().Select(e => e.Clone()).ToList();
    }

    private static async Task<List<JsonElement>> ListAsync(HttpClient admin, string path)
    {
        using var response = await admin.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return Parse(body);
    }
}

public sealed class AdminSessionsTestsOnMemory(MemoryGatewayFixture fixture) : AdminSessionsTests<MemoryGatewayFixture>(fixture);

/// <summary>The session calls answer 503 <c>latch_unavailable</c> when the session store cannot be reached.</summary>
public sealed class AdminSessionsUnavailableTests(MemoryGatewayFixture fixture) : IClassFixture<MemoryGatewayFixture>
{
    [Fact]
    public async Task Every_session_call_and_a_code_revocation_answer_503_latch_unavailable()
    {
        await using var gateway = await GatewayInstance.StartAsync(
            fixture.Backend,
            GatewayFixture.NoLockout,
            configure: builder => builder.Services.Replace(ServiceDescriptor.Singleton<ISessionStore, UnreachableSessionStore>()));
        var code = await gateway.IssueAsync();
        using var admin = gateway.CreateAdminClient();

        using var list = await admin.GetAsync("admin/sessions");
        using var end = await admin.DeleteAsync("admin/sessions/somesession000000000");
        using var revoke = await admin.DeleteAsync($"admin/codes/{code.Id}");

        foreach (var response in new[] { list, end, revoke })
        {
            var problem = await LatchHttp.AssertProblemAsync(response, HttpStatusCode.ServiceUnavailable);
            Assert.Equal("latch_unavailable", problem.GetProperty("error").GetString());
            Assert.True(LatchHttp.IsNoStore(response), "Cache-Control: no-store missing");
        }
    }

    private sealed class UnreachableSessionStore : ISessionStore
    {
        public ValueTask<bool> TryAddAsync(LatchSession session, CancellationToken cancellationToken) => throw Unreachable();

        public ValueTask<SessionLookup> UseAsync(CodeDigest tokenDigest, DateTimeOffset now, CancellationToken cancellationToken) => throw Unreachable();

        public ValueTask<IReadOnlyList<LatchSession>> ListAsync(string? route, string? user, CancellationToken cancellationToken) => throw Unreachable();

        public ValueTask<LatchSession?> EndAsync(string id, CancellationToken cancellationToken) => throw Unreachable();

        public ValueTask<IReadOnlyList<LatchSession>> EndOpenedByAsync(string codeId, CancellationToken cancellationToken) => throw Unreachable();

        public ValueTask<bool> DiscardAsync(LatchSession session, CancellationToken cancellationToken) => throw Unreachable();

        private static LatchStoreUnavailableException Unreachable() => new("The session store is unreachable (test).");
    }
}

/// <summary>Sessions ended through the admin API are counted as revoked, by route.</summary>
[Collection(nameof(SerialMetricsGroup))]
public sealed class AdminSessionsMetricsTests(MemoryGatewayFixture fixture) : IClassFixture<MemoryGatewayFixture>
{
    [Fact]
    public async Task Ending_a_session_and_revoking_a_code_count_latch_sessions_ended_total_as_revoked()
    {
        // A gateway of its own, so the counts are exactly this test's.
        await using var gateway = await GatewayInstance.StartAsync(fixture.Backend, GatewayFixture.NoLockout);
        var code = await gateway.IssueAsync(route: "exports");
        var (session, _) = await SessionStore.AddAsync(gateway, CrockfordBase32.Generate(20).ToLowerInvariant());
        await SessionStore.AddAsync(gateway, code.Id, route: "exports");
        await SessionStore.AddAsync(gateway, code.Id, route: "exports");
        using var admin = gateway.CreateAdminClient();
        using (var ended = await admin.DeleteAsync($"admin/sessions/{session.Id}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, ended.StatusCode);
        }

        using (var revoked = await admin.DeleteAsync($"admin/codes/{code.Id}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        }

        IReadOnlyList<PrometheusSample> samples = [];
        var counted = await LatchHttp.EventuallyAsync(
            async () =>
            {
                using var scraper = gateway.CreateAdminClient(keyName: null);
                samples = PrometheusText.Parse(await scraper.GetStringAsync("metrics"));
                return Ended(samples, "exports") >= 2 && Ended(samples, "orders-admin") >= 1;
            },
            TimeSpan.FromSeconds(5));

        Assert.True(counted, string.Join("\n", samples.Where(s => s.Name.StartsWith("latch_sessions", StringComparison.Ordinal))));
        Assert.Equal(2, Ended(samples, "exports"));
        Assert.Equal(1, Ended(samples, "orders-admin"));
        Assert.All(samples.Where(s => s.Name == "latch_sessions_ended_total"), s => Assert.Equal("revoked", s["reason"]));
    }

    private static double Ended(IReadOnlyList<PrometheusSample> samples, string route) =>
        samples.Where(s => s.Name == "latch_sessions_ended_total" && s["route"] == route && s["reason"] == "revoked").Sum(s => s.Value);
}

/// <summary>Puts sessions straight into a gateway's session store, the way a Session route opens them.</summary>
internal static class SessionStore
{
    public static async Task<(LatchSession Session, string Token)> AddAsync(
        GatewayInstance gateway,
        string codeId,
        string route = "orders-admin",
        string? user = null,
        string network = "127.0.0.1/32",
        DateTimeOffset? openedAt = null)
    {
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var opened = openedAt ?? DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        var session = new LatchSession(
            CrockfordBase32.Generate(20).ToLowerInvariant(),
            gateway.GetService<CodeHasher>().Compute(token),
            codeId,
            route,
            user,
            IPNetwork.Parse(network),
            opened,
            opened.AddMinutes(15),
            idleTimeout: null);
        Assert.True(await gateway.GetService<ISessionStore>().TryAddAsync(session, default));
        return (session, token);
    }
}

public sealed class AdminSessionsTestsOnRedis(RedisGatewayFixture fixture) : AdminSessionsTests<RedisGatewayFixture>(fixture);
