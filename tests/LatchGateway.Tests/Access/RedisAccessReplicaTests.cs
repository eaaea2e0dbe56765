using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using LatchGateway.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace LatchGateway.Tests.Access;

/// <summary>
/// The access flow's transitions are atomic across replicas, as people see it through <c>/access/requests</c> with
/// real tokens: concurrent approvals each count once and grant once, concurrent pickups hand out one code, and an
/// expiry is swept once however many replicas sweep. Each test runs on the memory store (one gateway) and on Redis
/// (two replicas sharing it, the calls split between them).
/// </summary>
public abstract class AccessReplicaRaceTests
{
    private const int Approvers = 20;

    private static readonly IReadOnlyDictionary<string, string?> Settings = AbuseHttp.Merge(GatewayFixture.NoLockout, TestJwt.Settings(), new Dictionary<string, string?>
    {
        ["Latch:Codes:HashKey"] = RedisSettings.HashKey,
        ["Latch:Access:Policies:orders-admin:Approvers:0"] = "group:sre",
        ["Latch:Access:Policies:orders-admin:Approvals"] = Approvers.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Latch:Access:Policies:exports:Approvals"] = "0",
    });

    /// <summary>Short deadlines, and sweeps every 10 s of the gateways' fake clocks.</summary>
    private static readonly IReadOnlyDictionary<string, string?> ExpirySettings = AbuseHttp.Merge(GatewayFixture.NoLockout, TestJwt.Settings(), new Dictionary<string, string?>
    {
        ["Latch:Codes:HashKey"] = RedisSettings.HashKey,
        ["Latch:Store:SweepInterval"] = "00:00:10",
        ["Latch:Access:Policies:orders-admin:Approvers:0"] = "group:sre",
        ["Latch:Access:Policies:orders-admin:Approvals"] = "1",
        ["Latch:Access:Policies:orders-admin:PendingTtl"] = "00:02:00",
        ["Latch:Access:Policies:orders-admin:PickupWindow"] = "00:01:00",
    });

    private static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(10);

    private readonly Person _requester = Person.New("requester");

    /// <summary>The gateways calls are spread over, on fake clocks starting together when <paramref name="clocks"/>; disposing stops them.</summary>
    private protected abstract Task<Replicas> StartAsync(IReadOnlyDictionary<string, string?> settings, bool clocks = false);

    [Fact]
    public async Task Twenty_concurrent_approvals_by_distinct_approvers_each_count_once_and_grant_it_once()
    {
        await using var replicas = await StartAsync(Settings);
        var id = await replicas.CreateAsync(_requester, "orders-admin");
        var approvers = Enumerable.Range(0, Approvers).Select(i => Person.New($"approver{i:D2}", "sre")).ToArray();

        var answers = await InParallelAsync(Approvers, i => replicas.PostAsync(i, $"access/requests/{id}/approve", approvers[i]));

        Assert.All(answers, a => Assert.True(a.Status == HttpStatusCode.OK, $"an approval was answered {(int)a.Status}: {a.Body}"));
        var request = await AccessHttp.ReadAsync(replicas[1], _requester, id);
        Assert.Equal("granted", request.State());
        Assert.Equal(
            approvers.Select(a => a.User).Order(StringComparer.Ordinal),
            request.GetProperty("approvals").EnumerateArray().Select(a => a.GetProperty("by").GetString()!).Order(StringComparer.Ordinal));
        var events = await replicas.FlushedAuditAsync(_requester.User);
        Assert.Single(events, e => e.Str("type") == "access_granted" && IsAbout(e, id));
        Assert.Equal(Approvers, events.Count(e => e.Str("type") == "access_approved" && IsAbout(e, id)));
    }

    [Fact]
    public async Task Ten_concurrent_approvals_by_one_approver_count_once()
    {
        await using var replicas = await StartAsync(Settings);
        var id = await replicas.CreateAsync(_requester, "orders-admin");
        var bob = Person.New("bob", "sre");

        var answers = await InParallelAsync(10, i => replicas.PostAsync(i, $"access/requests/{id}/approve", bob));

        Assert.Single(answers, a => a.Status == HttpStatusCode.OK);
        var refusals = answers.Where(a => a.Status != HttpStatusCode.OK).ToList();
        Assert.Equal(9, refusals.Count);
        Assert.All(refusals, a => Assert.True(a.Status == HttpStatusCode.Conflict && a.Error == "access_conflict", $"{(int)a.Status}: {a.Body}"));
        var request = await AccessHttp.ReadAsync(replicas[1], _requester, id);
        Assert.Equal([bob.User], request.GetProperty("approvals").EnumerateArray().Select(a => a.GetProperty("by").GetString()));
        Assert.Equal("pending", request.State());
    }

    [Fact]
    public async Task Of_twenty_concurrent_pickups_exactly_one_gets_a_code_and_it_opens_the_route_once()
    {
        await using var replicas = await StartAsync(Settings);
        var id = await replicas.CreateAsync(_requester, "exports");

        var answers = await InParallelAsync(20, i => replicas.PostAsync(i, $"access/requests/{id}/code", _requester));

        var won = Assert.Single(answers, a => a.Status == HttpStatusCode.Created);
        var lost = answers.Where(a => a.Status != HttpStatusCode.Created).ToList();
        Assert.Equal(19, lost.Count);
        Assert.All(lost, a => Assert.True(a.Status == HttpStatusCode.Conflict && a.Error == "access_conflict", $"{(int)a.Status}: {a.Body}"));
        using var issued = JsonDocument.Parse(won.Body);
        var codeId = issued.RootElement.GetProperty("id").GetString();
        var code = issued.RootElement.GetProperty("code").GetString()!;

        // The losers' codes were stored, then revoked: the route has exactly the one live code, the winner's.
        using var admin = replicas[0].CreateAdminClient();
        var live = await admin.GetFromJsonAsync<JsonElement[]>("admin/codes?route=exports");
        Assert.Equal([codeId], live!.Select(c => c.GetProperty("id").GetString()));
        var request = await AccessHttp.ReadAsync(replicas[1], _requester, id);
        Assert.Equal(("issued", codeId), (request.State(), request.GetProperty("codeId").GetString()));

        using var proxy = replicas[1].CreateProxyClient();
        using var first = await proxy.PresentAsync(LatchHttp.UniquePath("/exports/"), code, _requester.Token);
        using var second = await proxy.PresentAsync(LatchHttp.UniquePath("/exports/"), code, _requester.Token);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, second.StatusCode);
    }

    [Fact]
    public async Task Requests_past_their_deadline_are_expired_once_by_the_sweeps_and_stay_readable()
    {
        await using var replicas = await StartAsync(ExpirySettings, clocks: true);
        var pending = await replicas.CreateAsync(_requester, "orders-admin", on: 0);
        var granted = await replicas.CreateAsync(_requester, "orders-admin", on: 1);
        await AccessHttp.ApprovedAsync(replicas[0], Person.New("bob", "sre"), granted);

        // Past the pickup deadline (1 min), before the pending one (2 min): only the granted request is due. Every
        // replica sweeps every 10 s meanwhile.
        replicas.Advance(TimeSpan.FromSeconds(61));
        await replicas.WaitForAuditAsync(_requester.User, e => e.Any(x => x.Str("type") == "access_expired" && IsAbout(x, granted)), "the granted request's expiry");
        Assert.Equal("pending", (await AccessHttp.ReadAsync(replicas[0], _requester, pending)).State());

        replicas.Advance(TimeSpan.FromSeconds(60));
        await replicas.WaitForAuditAsync(_requester.User, e => e.Any(x => x.Str("type") == "access_expired" && IsAbout(x, pending)), "the pending request's expiry");

        // More sweeps on every replica find nothing more to expire.
        for (var i = 0; i < 3; i++)
        {
            replicas.Advance(SweepInterval);
        }

        var events = await replicas.FlushedAuditAsync(_requester.User);
        Assert.Equal($"pickup_window (access request {granted})", Assert.Single(events, e => e.Str("type") == "access_expired" && IsAbout(e, granted)).Str("reason"));
        Assert.Equal($"pending_ttl (access request {pending})", Assert.Single(events, e => e.Str("type") == "access_expired" && IsAbout(e, pending)).Str("reason"));
        for (var i = 0; i < replicas.Count; i++)
        {
            foreach (var id in new[] { pending, granted })
            {
                Assert.Equal("expired", (await AccessHttp.ReadAsync(replicas[i], _requester, id)).State());
            }
        }

        var refused = await replicas.PostAsync(1, $"access/requests/{granted}/code", _requester);
        Assert.True(refused.Status == HttpStatusCode.Conflict && refused.Error == "access_conflict", $"{(int)refused.Status}: {refused.Body}");
    }

    /// <summary>Whether an audit event is about the access request <paramref name="id"/> (see <c>AccessTrail.Describe</c>).</summary>
    private static bool IsAbout(JsonElement audit, string id) =>
        audit.Str("reason") is { } reason && (reason == $"access request {id}" || reason.EndsWith($"(access request {id})", StringComparison.Ordinal));

    /// <summary>Starts <paramref name="count"/> calls at once; their answers in the order of their index.</summary>
    private static async Task<Answer[]> InParallelAsync(int count, Func<int, Task<Answer>> send)
    {
        using var start = new SemaphoreSlim(0);
        var calls = Enumerable.Range(0, count).Select(async i =>
        {
            await start.WaitAsync();
            return await send(i);
        }).ToList();
        start.Release(count);
        return await Task.WhenAll(calls);
    }

    /// <summary>An answer of the access API: its status, body, and the problem's <c>error</c> if it has one.</summary>
    private protected sealed record Answer(HttpStatusCode Status, string Body)
    {
        public string? Error
        {
            get
            {
                try
                {
                    using var document = JsonDocument.Parse(Body);
                    return document.RootElement.TryGetProperty("error", out var error) ? error.GetString() : null;
                }
                catch (JsonException)
                {
                    return null;
                }
            }
        }
    }

    /// <summary>The gateways under test; call <c>i</c> goes to gateway <c>i % count</c>.</summary>
    private protected sealed class Replicas(IReadOnlyList<GatewayInstance> gateways, IAsyncDisposable owner) : IAsyncDisposable
    {
        private readonly HttpClient[] _clients = [.. gateways.Select(g => new HttpClient { BaseAddress = g.AdminAddress })];

        public int Count => gateways.Count;

        public GatewayInstance this[int index] => gateways[index % gateways.Count];

        /// <summary>POSTs to <paramref name="path"/> on gateway <paramref name="on"/> (modulo their count) as <paramref name="person"/>.</summary>
        public async Task<Answer> PostAsync(int on, string path, Person person)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", person.Token);
            using var response = await _clients[on % _clients.Length].SendAsync(request);
            return new Answer(response.StatusCode, await response.Content.ReadAsStringAsync());
        }

        /// <summary>Asks for <paramref name="route"/> with a reason on gateway <paramref name="on"/>; the new request's id.</summary>
        public async Task<string> CreateAsync(Person requester, string route, int on = 0) =>
            (await AccessHttp.CreatedAsync(this[on], requester, new { route, reason = "to look into an incident" })).Id();

        /// <summary>Moves every gateway's fake clock forward together (timers, such as the sweeps, fire as it passes).</summary>
        public void Advance(TimeSpan by)
        {
            foreach (var gateway in gateways)
            {
                gateway.Advance(by);
            }
        }

        /// <summary>Polls the audit events about <paramref name="user"/> until <paramref name="done"/> holds, letting the audit writers run.</summary>
        public async Task<List<JsonElement>> WaitForAuditAsync(string user, Func<IReadOnlyList<JsonElement>, bool> done, string what)
        {
            using var admin = this[0].CreateAdminClient();
            var deadline = DateTime.UtcNow + AuditHttp.WriteTimeout;
            while (true)
            {
                var events = await AuditHttp.GetEventsAsync(admin, $"?user={Uri.EscapeDataString(user)}&limit=1000");
                if (done(events))
                {
                    return events;
                }

                Assert.True(DateTime.UtcNow < deadline, $"{what} did not appear in the audit trail; it has:\n{string.Join("\n", events.Select(e => e.GetRawText()))}");
                foreach (var gateway in gateways)
                {
                    AuditHttp.LetWriterRun(gateway.Clock);
                }

                await Task.Delay(50);
            }
        }

        /// <summary>
        /// The audit events about <paramref name="user"/> once every gateway has written all it recorded so far: each
        /// issues a code after them, and its writer writes in order, so once every such code's event is in the trail,
        /// so is everything each gateway recorded before it.
        /// </summary>
        public async Task<List<JsonElement>> FlushedAuditAsync(string user)
        {
            var markers = new List<string>();
            foreach (var gateway in gateways)
            {
                markers.Add((await gateway.IssueAsync(route: "orders-admin", user: user)).Id);
            }

            return await WaitForAuditAsync(
                user, e => markers.All(m => e.Any(x => x.Str("type") == "issued" && x.Str("codeId") == m)), "every gateway's marker event");
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var client in _clients)
            {
                client.Dispose();
            }

            await owner.DisposeAsync();
        }
    }
}

/// <summary>The races on one gateway on the memory store.</summary>
public sealed class MemoryAccessReplicaRaceTests : AccessReplicaRaceTests, IAsyncLifetime
{
    private TestBackend _backend = null!;

    public async Task InitializeAsync() => _backend = await TestBackend.StartAsync();

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    private protected override async Task<Replicas> StartAsync(IReadOnlyDictionary<string, string?> settings, bool clocks = false)
    {
        var gateway = await GatewayInstance.StartAsync(_backend, settings, clock: clocks ? GatewayTime.NewClock() : null);
        return new Replicas([gateway], gateway);
    }
}

/// <summary>The races on two gateway replicas sharing one Redis, each on a fake clock of its own when the test needs one.</summary>
public sealed class RedisAccessReplicaRaceTests(RedisAndBackendFixture fixture) : AccessReplicaRaceTests, IClassFixture<RedisAndBackendFixture>
{
    private protected override async Task<Replicas> StartAsync(IReadOnlyDictionary<string, string?> settings, bool clocks = false)
    {
        var all = AbuseHttp.Merge(RedisSettings.For(fixture.Redis.Endpoint, $"latch-{Guid.NewGuid():N}"), settings);
        var start = DateTimeOffset.UtcNow;
        var set = new RedisReplicaSet([
            await GatewayInstance.StartAsync(fixture.Backend, all, clock: clocks ? new FakeTimeProvider(start) : null),
            await GatewayInstance.StartAsync(fixture.Backend, all, clock: clocks ? new FakeTimeProvider(start) : null),
        ]);
        return new Replicas(set.All, set);
    }
}
