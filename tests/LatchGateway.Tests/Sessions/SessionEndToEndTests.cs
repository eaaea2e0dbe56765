using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LatchGateway.Tests.EndToEnd;
using LatchGateway.Tests.Infrastructure;

namespace LatchGateway.Tests.Sessions;

/// <summary>
/// Unlock sessions over real sockets: a code on a Session route opens a session (303 off the query string, or the
/// cookie on the backend's answer), the cookie or <c>X-Latch-Session</c> lets the client's next requests through,
/// only on its route, from its network, for its user, and never reaches a backend; ended, unknown or foreign
/// sessions get <c>401 latch_required</c> and a cookie that clears them; browsers get a page with a form.
/// </summary>
public abstract class SessionEndToEndTests<TStore>(SessionGatewayFixture<TStore> fixture) : IClassFixture<SessionGatewayFixture<TStore>>
    where TStore : GatewayFixture, new()
{
    private GatewayInstance Gateway => fixture.Gateway;

    private TestBackend Backend => fixture.Store.Backend;

    [Fact]
    public async Task A_code_in_the_query_string_is_answered_303_without_it_and_the_cookie_then_reaches_the_backend_without_itself()
    {
        var code = await Gateway.IssueAsync("console");
        var path = LatchHttp.UniquePath("/console/");
        using var client = SessionHttp.Client(Gateway.ProxyAddress);

        using var opened = await client.GetAsync($"{path}?a=1&latch_code={code.Code}&b=x%20y&c=");

        Assert.Equal(HttpStatusCode.SeeOther, opened.StatusCode);
        Assert.Equal($"{path}?a=1&b=x%20y&c=", opened.Headers.Location?.OriginalString);
        Assert.True(LatchHttp.IsNoStore(opened), "Cache-Control: no-store missing");
        var token = SessionHttp.AssertSessionCookie(opened, "console", maxAge: SessionGatewayFixture<TStore>.LifetimeSeconds);
        Assert.Empty(Backend.ReceivedUnder(path));

        for (var i = 0; i < 2; i++)
        {
            using var used = await SessionHttp.SendAsync(
                client, HttpMethod.Get, $"{path}?a=1&b=x%20y&c=", ("Cookie", $"a=1; Latch-Session-console={token}; b=\"x y\""));
            Assert.Equal(HttpStatusCode.OK, used.StatusCode);
            Assert.False(used.Headers.Contains("Set-Cookie"));
        }

        var received = Backend.ReceivedUnder(path);
        Assert.Equal(2, received.Count);
        Assert.All(received, r =>
        {
            Assert.Equal(code.Id, r.Headers["X-Latch-Id"]);
            Assert.Equal("a=1; b=\"x y\"", r.Headers["Cookie"]);
            Assert.Equal("?a=1&b=x%20y&c=", r.Query);
            Assert.False(r.Headers.ContainsKey("X-Latch-Session"));
            Assert.DoesNotContain(token, string.Join("\n", r.Headers.Values), StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task A_code_in_the_header_or_on_a_post_is_forwarded_at_once_and_the_cookie_added_to_the_backend_answer()
    {
        var byHeader = await Gateway.IssueAsync("console");
        var byPost = await Gateway.IssueAsync("console");
        var headerPath = LatchHttp.UniquePath("/console/");
        var postPath = LatchHttp.UniquePath("/console/");
        using var client = SessionHttp.Client(Gateway.ProxyAddress);

        using var get = await SessionHttp.SendAsync(client, HttpMethod.Get, $"{headerPath}?q=1&latch_code=ignored", ("X-Latch-Code", byHeader.Code));
        using var post = await SessionHttp.SendAsync(client, HttpMethod.Post, $"{postPath}?latch_code={byPost.Code}");

        foreach (var (response, path, code) in new[] { (get, headerPath, byHeader), (post, postPath, byPost) })
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal($"backend:{path}", await response.Content.ReadAsStringAsync());
            var token = SessionHttp.AssertSessionCookie(response, "console", maxAge: SessionGatewayFixture<TStore>.LifetimeSeconds);
            var received = Assert.Single(Backend.ReceivedUnder(path));
            Assert.Equal(code.Id, received.Headers["X-Latch-Id"]);
            Assert.DoesNotContain("latch_code", received.Query, StringComparison.Ordinal);

            using var again = await SessionHttp.SendAsync(client, HttpMethod.Get, path, ("Cookie", $"Latch-Session-console={token}"));
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        }

        Assert.Equal("POST", Assert.Single(Backend.ReceivedUnder(postPath), r => r.Method == "POST").Method);
    }

    [Fact]
    public async Task The_X_Latch_Session_header_serves_clients_without_cookies_and_never_reaches_the_backend()
    {
        var (token, code, _) = await OpenAsync(Gateway);
        var path = LatchHttp.UniquePath("/console/");
        using var client = SessionHttp.Client(Gateway.ProxyAddress);

        using var used = await SessionHttp.SendAsync(client, HttpMethod.Get, path, ("X-Latch-Session", token), ("Cookie", "theme=dark"));

        Assert.Equal(HttpStatusCode.OK, used.StatusCode);
        var received = Assert.Single(Backend.ReceivedUnder(path));
        Assert.Equal(code.Id, received.Headers["X-Latch-Id"]);
        Assert.Equal("theme=dark", received.Headers["Cookie"]);
        Assert.False(received.Headers.ContainsKey("X-Latch-Session"));
    }

    [Fact]
    public async Task A_session_works_only_on_its_route_and_a_foreign_one_is_cleared_with_401_latch_required()
    {
        var (token, _, _) = await OpenAsync(Gateway);
        var path = LatchHttp.UniquePath("/desk/");
        using var client = SessionHttp.Client(Gateway.ProxyAddress);

        using var asHeader = await SessionHttp.SendAsync(client, HttpMethod.Get, path, ("X-Latch-Session", token));
        using var asOtherCookie = await SessionHttp.SendAsync(client, HttpMethod.Get, path, ("Cookie", $"Latch-Session-desk={token}"));

        await SessionHttp.AssertRequiredAndClearedAsync(asHeader, "desk");
        await SessionHttp.AssertRequiredAndClearedAsync(asOtherCookie, "desk");
        Assert.Empty(Backend.ReceivedUnder(path));
    }

    [Fact]
    public async Task A_session_works_only_from_the_opening_address_unless_the_code_was_bound_to_a_network()
    {
        var (single, _, _) = await OpenAsync(Gateway);
        var (network, _, _) = await OpenAsync(Gateway, ip: "127.0.0.0/8");
        var path = LatchHttp.UniquePath("/console/");
        using var elsewhere = SessionHttp.Client(Gateway.ProxyAddress, IPAddress.Parse("127.0.0.2"));

        using var stolen = await SessionHttp.SendAsync(elsewhere, HttpMethod.Get, path, ("Cookie", $"Latch-Session-console={single}"));
        using var inside = await SessionHttp.SendAsync(elsewhere, HttpMethod.Get, path, ("Cookie", $"Latch-Session-console={network}"));

        await SessionHttp.AssertRequiredAndClearedAsync(stolen, "console");
        Assert.Equal(HttpStatusCode.OK, inside.StatusCode);
        Assert.Single(Backend.ReceivedUnder(path));
    }

    [Fact]
    public async Task A_session_of_a_code_bound_to_a_user_works_only_for_that_user()
    {
        var alice = $"alice-{Guid.NewGuid():N}";
        var code = await Gateway.IssueAsync("console", user: alice);
        var path = LatchHttp.UniquePath("/console/");
        using var client = SessionHttp.Client(Gateway.ProxyAddress);
        using var opened = await SessionHttp.SendAsync(
            client, HttpMethod.Get, $"{path}?latch_code={code.Code}", ("Authorization", $"Bearer {TestJwt.For(alice)}"));
        Assert.Equal(HttpStatusCode.SeeOther, opened.StatusCode);
        var token = SessionHttp.AssertSessionCookie(opened, "console", SessionGatewayFixture<TStore>.LifetimeSeconds);
        var cookie = ("Cookie", $"Latch-Session-console={token}");

        using var asAlice = await SessionHttp.SendAsync(client, HttpMethod.Get, path, cookie, ("Authorization", $"Bearer {TestJwt.For(alice)}"));
        using var asBob = await SessionHttp.SendAsync(client, HttpMethod.Get, path, cookie, ("Authorization", $"Bearer {TestJwt.For("bob")}"));
        using var anonymous = await SessionHttp.SendAsync(client, HttpMethod.Get, path, cookie);

        Assert.Equal(HttpStatusCode.OK, asAlice.StatusCode);
        await SessionHttp.AssertRequiredAndClearedAsync(asBob, "console");
        await SessionHttp.AssertRequiredAndClearedAsync(anonymous, "console");
        Assert.Single(Backend.ReceivedUnder(path));
    }

    [Fact]
    public async Task Unknown_sessions_are_not_refusals_and_lock_no_one_out()
    {
        var source = IPAddress.Parse("127.0.0.4");
        await using var strict = await fixture.Store.StartGatewayAsync(AbuseHttp.Merge(SessionGatewayFixture<TStore>.Settings(), AbuseHttp.Lockout(3)));
        var (token, _, _) = await OpenAsync(strict);
        using var thief = SessionHttp.Client(strict.ProxyAddress, source);

        for (var i = 0; i < 8; i++)
        {
            using var stolen = await SessionHttp.SendAsync(thief, HttpMethod.Get, LatchHttp.UniquePath("/console/"), ("Cookie", $"Latch-Session-console={token}"));
            await SessionHttp.AssertRequiredAndClearedAsync(stolen, "console");
            using var unknown = await SessionHttp.SendAsync(thief, HttpMethod.Get, LatchHttp.UniquePath("/console/"), ("X-Latch-Session", new string('A', 43)));
            await SessionHttp.AssertRequiredAndClearedAsync(unknown, "console");
        }

        var own = await strict.IssueAsync("console");
        using var opened = await thief.GetAsync($"{LatchHttp.UniquePath("/console/")}?latch_code={own.Code}");
        Assert.Equal(HttpStatusCode.SeeOther, opened.StatusCode);
        var samples = await AbuseHttp.ScrapeAsync(strict);
        Assert.Equal(0, AbuseHttp.Total(samples, "latch_validations_total", s => s["route"] == "console" && s["outcome"] is not ("missing" or "accepted")));
    }

    [Fact]
    public async Task SessionSeconds_is_refused_on_a_Required_route_and_above_the_route_lifetime_and_shortens_the_session()
    {
        using var admin = Gateway.CreateAdminClient();

        using var onRequired = await admin.PostAsJsonAsync("admin/codes", new { route = "orders-admin", sessionSeconds = 60 });
        using var tooLong = await admin.PostAsJsonAsync("admin/codes", new { route = "console", sessionSeconds = SessionGatewayFixture<TStore>.LifetimeSeconds + 1 });
        var (_, _, shorter) = await OpenAsync(Gateway, sessionSeconds: 60);

        foreach (var response in new[] { onRequired, tooLong })
        {
            var problem = await LatchHttp.AssertProblemAsync(response, HttpStatusCode.BadRequest);
            Assert.True(problem.TryGetProperty("errors", out var errors) && errors.TryGetProperty("sessionSeconds", out _), problem.GetRawText());
        }

        Assert.Equal(60, shorter);
    }

    [Fact]
    public async Task A_browser_without_code_or_session_gets_a_page_with_a_form_and_other_clients_keep_problem_json()
    {
        var path = LatchHttp.UniquePath("/console/");
        using var client = SessionHttp.Client(Gateway.ProxyAddress);

        using var browser = await SessionHttp.SendAsync(client, HttpMethod.Get, $"{path}?tab=2", ("Accept", "text/html,application/xhtml+xml,*/*;q=0.8"));
        using var any = await SessionHttp.SendAsync(client, HttpMethod.Get, path, ("Accept", "*/*"));
        using var json = await SessionHttp.SendAsync(client, HttpMethod.Get, path, ("Accept", "application/json"));

        Assert.Equal(HttpStatusCode.Unauthorized, browser.StatusCode);
        Assert.Equal("text/html", browser.Content.Headers.ContentType?.MediaType);
        Assert.True(LatchHttp.IsNoStore(browser), "Cache-Control: no-store missing");
        var policy = string.Join(", ", browser.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'none'", policy, StringComparison.Ordinal);
        var page = await browser.Content.ReadAsStringAsync();
        Assert.Contains("<form method=\"get\"", page, StringComparison.Ordinal);
        Assert.Contains("<label for=\"latch_code\">", page, StringComparison.Ordinal);
        Assert.Matches("<input id=\"latch_code\" name=\"latch_code\"[^>]* autofocus", page);
        Assert.Contains("<input type=\"hidden\" name=\"tab\" value=\"2\">", page, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", page, StringComparison.OrdinalIgnoreCase);
        Assert.False(browser.Headers.Contains("Set-Cookie"));
        foreach (var other in new[] { any, json })
        {
            var problem = await LatchHttp.AssertProblemAsync(other, HttpStatusCode.Unauthorized);
            Assert.Equal("latch_required", problem.GetProperty("error").GetString());
        }

        Assert.Empty(Backend.ReceivedUnder(path));
    }

    [Fact]
    public async Task Ending_a_session_or_revoking_its_code_ends_it_at_once()
    {
        var (bySession, sessionCode, _) = await OpenAsync(Gateway);
        var (byCode, code, _) = await OpenAsync(Gateway);
        using var admin = Gateway.CreateAdminClient();
        using var client = SessionHttp.Client(Gateway.ProxyAddress);
        var id = await SessionHttp.SessionIdAsync(admin, sessionCode.Id);

        using var endSession = await admin.DeleteAsync($"admin/sessions/{id}");
        using var revokeCode = await admin.DeleteAsync($"admin/codes/{code.Id}");

        Assert.Equal(HttpStatusCode.NoContent, endSession.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, revokeCode.StatusCode);
        foreach (var token in new[] { bySession, byCode })
        {
            using var used = await SessionHttp.SendAsync(client, HttpMethod.Get, LatchHttp.UniquePath("/console/"), ("Cookie", $"Latch-Session-console={token}"));
            await SessionHttp.AssertRequiredAndClearedAsync(used, "console");
        }
    }

    [Fact]
    public async Task Behind_a_trusted_proxy_over_https_the_cookie_is_the_secure_host_only_one()
    {
        var proxy = IPAddress.Parse("127.0.0.9");
        await using var gateway = await fixture.Store.StartGatewayAsync(AbuseHttp.Merge(
            SessionGatewayFixture<TStore>.Settings(),
            new Dictionary<string, string?> { ["Latch:ForwardedHeaders:KnownProxies:0"] = proxy.ToString() }));
        var code = await gateway.IssueAsync("console");
        var path = LatchHttp.UniquePath("/console/");
        using var client = SessionHttp.Client(gateway.ProxyAddress, proxy);
        (string, string)[] forwarded = [("X-Forwarded-For", "203.0.113.7"), ("X-Forwarded-Proto", "https")];

        using var opened = await SessionHttp.SendAsync(client, HttpMethod.Get, $"{path}?latch_code={code.Code}", forwarded);
        var setCookie = Assert.Single(opened.Headers.GetValues("Set-Cookie"));
        Assert.Equal(HttpStatusCode.SeeOther, opened.StatusCode);
        Assert.Matches(
            $"^__Host-Latch-Session-console=([A-Za-z0-9_-]{{43}}); Path=/; HttpOnly; SameSite=Strict; Max-Age={SessionGatewayFixture<TStore>.LifetimeSeconds}; Secure$",
            setCookie);
        var token = setCookie["__Host-Latch-Session-console=".Length..setCookie.IndexOf(';', StringComparison.Ordinal)];

        using var used = await SessionHttp.SendAsync(client, HttpMethod.Get, path, [.. forwarded, ("Cookie", $"__Host-Latch-Session-console={token}; k=v")]);
        using var plain = await SessionHttp.SendAsync(client, HttpMethod.Get, path, ("X-Forwarded-For", "203.0.113.7"), ("Cookie", $"__Host-Latch-Session-console=x{token[1..]}"));

        Assert.Equal(HttpStatusCode.OK, used.StatusCode);
        Assert.Equal("k=v", Assert.Single(Backend.ReceivedUnder(path)).Headers["Cookie"]);
        await SessionHttp.AssertRequiredAndClearedAsync(plain, "console");
    }

    /// <summary>Issues a code on <c>console</c> and opens its session from 127.0.0.1; returns the token and the cookie's Max-Age.</summary>
    private static async Task<(string Token, IssuedCode Code, int MaxAge)> OpenAsync(GatewayInstance gateway, string? ip = null, int? sessionSeconds = null)
    {
        var code = await SessionHttp.IssueAsync(gateway, ip, sessionSeconds);
        using var client = SessionHttp.Client(gateway.ProxyAddress);
        using var opened = await client.GetAsync($"{LatchHttp.UniquePath("/console/")}?latch_code={code.Code}");
        Assert.Equal(HttpStatusCode.SeeOther, opened.StatusCode);
        var maxAge = sessionSeconds ?? SessionGatewayFixture<TStore>.LifetimeSeconds;
        return (SessionHttp.AssertSessionCookie(opened, "console", maxAge), code, maxAge);
    }
}

[Collection(nameof(SerialMetricsGroup))]
public sealed class SessionEndToEndTestsOnMemory(SessionGatewayFixture<MemoryGatewayFixture> fixture)
    : SessionEndToEndTests<MemoryGatewayFixture>(fixture)
{
    private readonly SessionGatewayFixture<MemoryGatewayFixture> fixture = fixture;

    [Fact]
    public async Task Opening_is_audited_and_counted_and_requests_on_the_session_are_not_validations()
    {
        const string route = "metered";
        await using var gateway = await fixture.Store.StartGatewayAsync(SessionGatewayFixture<MemoryGatewayFixture>.Settings(route));
        var before = await AbuseHttp.ScrapeAsync(gateway);
        var (token, code, _) = await SessionHttp.OpenAsync(gateway, route);
        using var client = SessionHttp.Client(gateway.ProxyAddress);
        for (var i = 0; i < 3; i++)
        {
            using var used = await SessionHttp.SendAsync(client, HttpMethod.Get, LatchHttp.UniquePath($"/{route}/"), ("Cookie", $"Latch-Session-{route}={token}"));
            Assert.Equal(HttpStatusCode.OK, used.StatusCode);
        }

        // A last request without code or session is counted as missing: once it shows, so would the requests before it.
        using (var marker = await SessionHttp.SendAsync(client, HttpMethod.Get, LatchHttp.UniquePath($"/{route}/")))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, marker.StatusCode);
        }

        static double Validations(IReadOnlyList<PrometheusSample> s, string outcome) =>
            AbuseHttp.Total(s, "latch_validations_total", x => x["route"] == route && x["outcome"] == outcome);
        static double Others(IReadOnlyList<PrometheusSample> s) =>
            AbuseHttp.Total(s, "latch_validations_total", x => x["route"] == route && x["outcome"] is not ("accepted" or "missing"));
        static double Opened(IReadOnlyList<PrometheusSample> s) => AbuseHttp.Total(s, "latch_sessions_opened_total", x => x["route"] == route);
        IReadOnlyList<PrometheusSample> after = [];
        var counted = await LatchHttp.EventuallyAsync(
            async () => Validations(after = await AbuseHttp.ScrapeAsync(gateway), "missing") > Validations(before, "missing"),
            TimeSpan.FromSeconds(5));
        Assert.True(counted, "the missing presentation was never counted:\n" + string.Join("\n", after.Where(x => x.Name.StartsWith("latch_", StringComparison.Ordinal))));
        Assert.Equal(Validations(before, "accepted") + 1, Validations(after, "accepted"));
        Assert.Equal(Others(before), Others(after));
        Assert.Equal(Opened(before) + 1, Opened(after));
        using var admin = gateway.CreateAdminClient();
        var opened = await AuditHttp.WaitForEventAsync(admin, "session_opened", code.Id);
        Assert.Equal((route, "127.0.0.1"), (opened.Str("route"), opened.Str("clientIp")));
        var presentations = await AuditHttp.GetEventsAsync(admin, "?limit=1000");
        Assert.Single(presentations, e => e.Str("codeId") == code.Id && e.Str("type") == "accepted");
    }

    [Fact]
    public async Task On_a_fake_clock_a_session_ends_when_idle_and_at_its_end_time_however_used_and_a_shorter_one_earlier()
    {
        const string route = "timed";
        await using var gateway = await fixture.Store.StartTimedGatewayAsync(SessionGatewayFixture<MemoryGatewayFixture>.Settings(route));
        var (idle, idleCode, _) = await SessionHttp.OpenAsync(gateway, route);
        var (busy, busyCode, _) = await SessionHttp.OpenAsync(gateway, route);
        var shortCode = await SessionHttp.IssueAsync(gateway, sessionSeconds: 60, route: route);
        using var client = SessionHttp.Client(gateway.ProxyAddress);
        using var openedShort = await client.GetAsync($"{LatchHttp.UniquePath($"/{route}/")}?latch_code={shortCode.Code}");
        var shortToken = SessionHttp.AssertSessionCookie(openedShort, route, 60);
        async Task<HttpResponseMessage> UseAsync(string token) =>
            await SessionHttp.SendAsync(client, HttpMethod.Get, LatchHttp.UniquePath($"/{route}/"), ("Cookie", $"Latch-Session-{route}={token}"));

        gateway.Advance(TimeSpan.FromSeconds(59));
        using (var beforeEnd = await UseAsync(shortToken))
        using (var busyUsed = await UseAsync(busy))
        {
            Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (beforeEnd.StatusCode, busyUsed.StatusCode));
        }

        gateway.Advance(TimeSpan.FromSeconds(1));
        using (var shortEnded = await UseAsync(shortToken))
        {
            await SessionHttp.AssertRequiredAndClearedAsync(shortEnded, route);
        }

        for (var elapsed = 60; elapsed + 110 < 600; elapsed += 110)
        {
            gateway.Advance(TimeSpan.FromSeconds(110));
            using var used = await UseAsync(busy);
            Assert.Equal(HttpStatusCode.OK, used.StatusCode);
        }

        using (var idled = await UseAsync(idle))
        {
            await SessionHttp.AssertRequiredAndClearedAsync(idled, route);
        }

        gateway.Advance(TimeSpan.FromSeconds(600 - 500));
        using (var expired = await UseAsync(busy))
        {
            await SessionHttp.AssertRequiredAndClearedAsync(expired, route);
        }

        using var admin = gateway.CreateAdminClient();
        var events = await AuditHttp.WaitForEventsAsync(
            admin,
            "?limit=1000",
            e => e.Count(x => x.Str("type") == "session_ended") == 3,
            "three session_ended events",
            gateway.Clock);
        string? Reason(IssuedCode code) => events.Single(x => x.Str("type") == "session_ended" && x.Str("codeId") == code.Id).Str("reason");
        Assert.Equal(("expired", "idle", "expired"), (Reason(shortCode), Reason(idleCode), Reason(busyCode)));
        var samples = await AbuseHttp.ScrapeAsync(gateway);
        Assert.Equal(2, AbuseHttp.Total(samples, "latch_sessions_ended_total", x => x["route"] == route && x["reason"] == "expired"));
        Assert.Equal(1, AbuseHttp.Total(samples, "latch_sessions_ended_total", x => x["route"] == route && x["reason"] == "idle"));
    }
}

/// <summary>Two replicas on one Redis: a session opened on one is used, ended and revoked on the other.</summary>
public sealed class SessionReplicaTests(RedisAndBackendFixture fixture) : IClassFixture<RedisAndBackendFixture>
{
    [Fact]
    public async Task A_session_opened_on_one_replica_works_on_the_other_and_ends_there_at_once_on_both()
    {
        await using var replicas = await fixture.StartReplicasAsync(2, SessionGatewayFixture<MemoryGatewayFixture>.Settings());
        var (a, b) = (replicas[0], replicas[1]);
        var (bySession, sessionCode, _) = await SessionHttp.OpenAsync(a);
        var (byCode, code, _) = await SessionHttp.OpenAsync(a);
        using var onA = SessionHttp.Client(a.ProxyAddress);
        using var onB = SessionHttp.Client(b.ProxyAddress);
        async Task<HttpResponseMessage> UseAsync(HttpClient client, string token) =>
            await SessionHttp.SendAsync(client, HttpMethod.Get, LatchHttp.UniquePath("/console/"), ("Cookie", $"Latch-Session-console={token}"));

        foreach (var token in new[] { bySession, byCode })
        {
            using var used = await UseAsync(onB, token);
            Assert.Equal(HttpStatusCode.OK, used.StatusCode);
        }

        using var adminB = b.CreateAdminClient();
        var id = await SessionHttp.SessionIdAsync(adminB, sessionCode.Id);
        using var ended = await adminB.DeleteAsync($"admin/sessions/{id}");
        using var revoked = await adminB.DeleteAsync($"admin/codes/{code.Id}");
        Assert.Equal(HttpStatusCode.NoContent, ended.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);

        foreach (var client in new[] { onA, onB })
        {
            foreach (var token in new[] { bySession, byCode })
            {
                using var used = await UseAsync(client, token);
                await SessionHttp.AssertRequiredAndClearedAsync(used, "console");
            }
        }
    }
}

[Collection(nameof(SerialMetricsGroup))]
public sealed class SessionEndToEndTestsOnRedis(SessionGatewayFixture<RedisGatewayFixture> fixture)
    : SessionEndToEndTests<RedisGatewayFixture>(fixture);

/// <summary>
/// A store (its own gateway and backend) and a gateway on it with two Session routes: <c>console</c>
/// (<c>/console/…</c>, 10 min, idle after 2 min) and <c>desk</c> (<c>/desk/…</c>), bearer tokens from
/// <see cref="TestJwt"/> accepted.
/// </summary>
public sealed class SessionGatewayFixture<TStore> : IAsyncLifetime
    where TStore : GatewayFixture, new()
{
    public const int LifetimeSeconds = 600;

    public const int IdleSeconds = 120;

    public TStore Store { get; } = new();

    public GatewayInstance Gateway { get; private set; } = null!;

    /// <summary>
    /// The settings of the fixture's gateway; <paramref name="console"/> renames the <c>console</c> route (and its
    /// path), for tests that count its metrics: every gateway in the test process feeds the same meters.
    /// </summary>
    public static Dictionary<string, string?> Settings(string console = "console") => AbuseHttp.Merge(TestJwt.Settings(), new Dictionary<string, string?>
    {
        [$"ReverseProxy:Routes:{console}:ClusterId"] = "backend",
        [$"ReverseProxy:Routes:{console}:Match:Path"] = $"/{console}/{{**rest}}",
        [$"ReverseProxy:Routes:{console}:Transforms:0:Latch"] = "Session",
        [$"ReverseProxy:Routes:{console}:Transforms:0:SessionLifetime"] = TimeSpan.FromSeconds(LifetimeSeconds).ToString(),
        [$"ReverseProxy:Routes:{console}:Transforms:0:SessionIdleTimeout"] = TimeSpan.FromSeconds(IdleSeconds).ToString(),
        ["ReverseProxy:Routes:desk:ClusterId"] = "backend",
        ["ReverseProxy:Routes:desk:Match:Path"] = "/desk/{**rest}",
        ["ReverseProxy:Routes:desk:Transforms:0:Latch"] = "Session",
    });

    public async Task InitializeAsync()
    {
        await Store.InitializeAsync();
        Gateway = await Store.StartGatewayAsync(Settings());
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Store.DisposeAsync();
    }
}

/// <summary>Clients that neither follow redirects nor keep cookies, and assertions on session cookies.</summary>
internal static class SessionHttp
{
    /// <summary>A client that leaves from <paramref name="source"/> (127.0.0.1 by default), follows no redirect and keeps no cookie.</summary>
    public static HttpClient Client(Uri baseAddress, IPAddress? source = null) =>
        LatchHttp.CreateClientFrom(baseAddress, source ?? IPAddress.Loopback, browserLike: false);

    public static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string pathAndQuery, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(method, pathAndQuery.TrimStart('/'));
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await client.SendAsync(request);
    }

    public static async Task<IssuedCode> IssueAsync(GatewayInstance gateway, string? ip = null, int? sessionSeconds = null, string route = "console")
    {
        using var admin = gateway.CreateAdminClient();
        using var response = await admin.PostAsJsonAsync("admin/codes", new { route, ip, sessionSeconds });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"issue failed: {(int)response.StatusCode} {body}");
        return JsonSerializer.Deserialize<IssuedCode>(body, GatewayInstance.Json)!;
    }

    /// <summary>Issues a code on <c>console</c> and opens its session from 127.0.0.1 (lifetime 600 s); returns the token and the code.</summary>
    public static async Task<(string Token, IssuedCode Code, int MaxAge)> OpenAsync(GatewayInstance gateway, string route = "console")
    {
        var code = await IssueAsync(gateway, route: route);
        using var client = Client(gateway.ProxyAddress);
        using var opened = await client.GetAsync($"{LatchHttp.UniquePath($"/{route}/")}?latch_code={code.Code}");
        Assert.Equal(HttpStatusCode.SeeOther, opened.StatusCode);
        return (AssertSessionCookie(opened, route, 600), code, 600);
    }

    /// <summary>Asserts the one <c>Set-Cookie</c> opens a session of <paramref name="route"/> over HTTP; returns its token.</summary>
    public static string AssertSessionCookie(HttpResponseMessage response, string route, int maxAge)
    {
        Assert.True(response.Headers.TryGetValues("Set-Cookie", out var values), "no Set-Cookie");
        var setCookie = Assert.Single(values);
        var match = System.Text.RegularExpressions.Regex.Match(
            setCookie, $"^Latch-Session-{route}=([A-Za-z0-9_-]{{43}}); Path=/; HttpOnly; SameSite=Strict; Max-Age={maxAge}$");
        Assert.True(match.Success, $"unexpected Set-Cookie: {setCookie}");
        return match.Groups[1].Value;
    }

    /// <summary>Asserts <c>401 latch_required</c> (problem+json) with a cookie that clears the session of <paramref name="route"/>.</summary>
    public static async Task AssertRequiredAndClearedAsync(HttpResponseMessage response, string route, bool https = false)
    {
        var problem = await LatchHttp.AssertProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal("latch_required", problem.GetProperty("error").GetString());
        Assert.True(response.Headers.TryGetValues("Set-Cookie", out var values), "no clearing Set-Cookie");
        var expected = https
            ? $"__Host-Latch-Session-{route}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0; Secure"
            : $"Latch-Session-{route}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0";
        Assert.Equal(expected, Assert.Single(values));
    }

    /// <summary>The id of the open session that code <paramref name="codeId"/> opened.</summary>
    public static async Task<string> SessionIdAsync(HttpClient admin, string codeId)
    {
        using var response = await admin.GetAsync("admin/sessions?route=console");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        using var document = JsonDocument.Parse(body);
        return document.RootElement.EnumerateArray()
            .Single(s => s.GetProperty("codeId").GetString() == codeId)
            .GetProperty("id").GetString()!;
    }
}
