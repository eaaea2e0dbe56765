using System.Net;
using LatchGateway.Contracts;
using LatchGateway.Tests.Infrastructure;

namespace LatchGateway.Tests.Lockout;

/// <summary>
/// A flood from a locked-out client does not grow the audit trail: the refusals that lead to the lockout are
/// audited one by one (<c>MaxFailures</c> <c>rejected</c> events), the lockout's start once (<c>locked_out</c>), the
/// requests refused while it runs not at all (they are counted in <c>latch_validations_total{outcome="locked_out"}</c>),
/// and its end once, with their count (<c>lockout_ended</c>, <c>suppressed=&lt;N&gt;</c>) — on the memory store (one
/// gateway, on a fake clock) and on Redis (two replicas sharing it, the flood split between them). Counting classes
/// run alone (<see cref="EndToEnd.SerialMetricsGroup"/>): the meters of gateways in one process mix.
/// </summary>
public abstract class LockoutSummaryTests
{
    protected const int MaxFailures = 5;

    private const int Burst = 200;

    protected abstract TestBackend Backend { get; }

    /// <summary>The lockout's duration: on a fake clock it passes at once, on Redis's clock the test waits for it.</summary>
    protected abstract string Duration { get; }

    /// <summary>A latched route of this test alone, so that its metrics count only this test's presentations.</summary>
    private readonly string _route = $"flood-{Guid.NewGuid():N}";

    protected IReadOnlyDictionary<string, string?> Settings => AbuseHttp.Merge(
        AbuseHttp.Lockout(MaxFailures, Duration),
        new Dictionary<string, string?>
        {
            ["Latch:Store:SweepInterval"] = "00:00:00.250",
            [$"ReverseProxy:Routes:{_route}:ClusterId"] = "backend",
            [$"ReverseProxy:Routes:{_route}:Match:Path"] = $"/{_route}/{{**rest}}",
            [$"ReverseProxy:Routes:{_route}:Transforms:0:Latch"] = "Required",
        });

    /// <summary>Starts the gateways with <see cref="Settings"/>, and <paramref name="extra"/> over them.</summary>
    protected abstract Task<IReadOnlyList<GatewayInstance>> StartAsync(IReadOnlyDictionary<string, string?>? extra = null);

    /// <summary>Lets the lockout's duration pass (and a sweep run).</summary>
    protected abstract Task LetLockoutEndAsync(IReadOnlyList<GatewayInstance> gateways);

    protected abstract ValueTask StopAsync(IReadOnlyList<GatewayInstance> gateways);

    [Fact]
    public async Task A_burst_of_wrong_codes_leaves_MaxFailures_rejections_one_lockout_and_one_summary_of_the_rest()
    {
        var gateways = await StartAsync();
        try
        {
            var source = IPAddress.Parse("127.0.0.41");
            var clients = gateways.Select(g => LatchHttp.CreateClientFrom(g.ProxyAddress, source, maxConnections: 50)).ToList();
            var statuses = await BurstAsync(i => clients[i % clients.Count].PresentAsync(LatchHttp.UniquePath($"/{_route}/"), LatchHttp.RandomCode()));
            clients.ForEach(c => c.Dispose());
            Assert.Equal(MaxFailures, statuses.Count(s => s == HttpStatusCode.Forbidden));
            Assert.Equal(Burst - MaxFailures, statuses.Count(s => s == HttpStatusCode.TooManyRequests));

            var started = await AbuseHttp.WaitForAuditAsync(gateways[0], e => Of(e, "127.0.0.41").Count() >= MaxFailures + 1);
            // Replicas in one test process export one another's measurements too: one scrape counts them all.
            var suppressed = AbuseHttp.Total(
                await AbuseHttp.ScrapeAsync(gateways[0]), "latch_validations_total", s => s["route"] == _route && s["outcome"] == "locked_out");
            Assert.Equal(Burst - MaxFailures, suppressed);
            Assert.Empty(await SummariesAsync(gateways[0]));

            await LetLockoutEndAsync(gateways);
            var ended = await WaitForSummaryAsync(gateways[0]);

            Assert.Equal($"suppressed={Burst - MaxFailures}", ended.Reason);
            Assert.Equal("127.0.0.41", ended.ClientIp);
            Assert.Equal(_route, ended.Route);
            Assert.Null(ended.User);
            var trail = Of(await AbuseHttp.AuditAsync(gateways[0]), "127.0.0.41").ToList();
            Assert.Equal(MaxFailures, trail.Count(e => e.Type == AuditEventTypes.Rejected));
            Assert.DoesNotContain(trail, e => e.Reason == "locked_out");
            var start = Assert.Single(trail, e => e.Type == AuditEventTypes.LockedOut);
            Assert.Equal("client_ip", start.Reason);
            Assert.Single(trail, e => e.Type == AuditEventTypes.LockoutEnded);
            Assert.Equal(MaxFailures + 2, trail.Count);
            Assert.True(ended.Time > start.Time, $"ended {ended.Time:O} not after started {start.Time:O}");
            Assert.NotNull(started);

            // Further sweeps, on every replica, find nothing more to report.
            await LetLockoutEndAsync(gateways);
            Assert.Single(await SummariesAsync(gateways[^1]));
        }
        finally
        {
            await StopAsync(gateways);
        }
    }

    [Fact]
    public async Task A_burst_of_wrong_API_keys_is_summarised_without_a_route()
    {
        var gateways = await StartAsync();
        try
        {
            var source = IPAddress.Parse("127.0.0.42");
            var clients = gateways.Select(g => AbuseHttp.AdminClientFrom(g, source, "wrong-key")).ToList();
            var statuses = await BurstAsync(i => clients[i % clients.Count].GetAsync("admin/routes"));
            clients.ForEach(c => c.Dispose());
            Assert.Equal(MaxFailures, statuses.Count(s => s == HttpStatusCode.Unauthorized));

            await AbuseHttp.WaitForAuditAsync(gateways[0], e => Of(e, "127.0.0.42").Any(a => a.Type == AuditEventTypes.LockedOut));
            await LetLockoutEndAsync(gateways);
            var ended = await WaitForSummaryAsync(gateways[0]);

            Assert.Equal($"suppressed={Burst - MaxFailures}", ended.Reason);
            Assert.Equal("127.0.0.42", ended.ClientIp);
            Assert.Null(ended.Route);
            Assert.Equal("admin_api_key", Assert.Single(await AbuseHttp.AuditAsync(gateways[0]), e => e.Type == AuditEventTypes.LockedOut).Reason);
        }
        finally
        {
            await StopAsync(gateways);
        }
    }

    [Fact]
    public async Task A_lockout_imposed_again_before_any_sweep_reports_the_earlier_ones_end_first()
    {
        // No sweep within the test: only the second lockout can report the first one's end.
        var gateways = await StartAsync(new Dictionary<string, string?> { ["Latch:Store:SweepInterval"] = "01:00:00" });
        try
        {
            using var client = LatchHttp.CreateClientFrom(gateways[^1].ProxyAddress, IPAddress.Parse("127.0.0.43"));
            await RefuseAsync(client, MaxFailures, HttpStatusCode.Forbidden);
            await RefuseAsync(client, 3, HttpStatusCode.TooManyRequests);
            await LetLockoutEndAsync(gateways);
            await RefuseAsync(client, MaxFailures, HttpStatusCode.Forbidden);

            var trail = Of(await AbuseHttp.WaitForAuditAsync(gateways[0], e => Of(e, "127.0.0.43").Count(a => a.Type == AuditEventTypes.LockedOut) == 2), "127.0.0.43")
                .ToList();
            var ended = Assert.Single(trail, e => e.Type == AuditEventTypes.LockoutEnded);
            Assert.Equal("suppressed=3", ended.Reason);
            var starts = trail.Where(e => e.Type == AuditEventTypes.LockedOut).Select(e => e.Time).Order().ToList();
            Assert.InRange(ended.Time, starts[0], starts[1]);
        }
        finally
        {
            await StopAsync(gateways);
        }
    }

    private async Task RefuseAsync(HttpClient client, int count, HttpStatusCode expected)
    {
        for (var i = 0; i < count; i++)
        {
            using var response = await client.PresentAsync(LatchHttp.UniquePath($"/{_route}/"), LatchHttp.RandomCode());
            Assert.Equal(expected, response.StatusCode);
        }
    }

    private static IEnumerable<LatchAuditEvent> Of(IEnumerable<LatchAuditEvent> events, string clientIp) => events.Where(e => e.ClientIp == clientIp);

    private static async Task<List<LatchAuditEvent>> SummariesAsync(GatewayInstance gateway) =>
        [.. (await AbuseHttp.AuditAsync(gateway)).Where(e => e.Type == AuditEventTypes.LockoutEnded)];

    private static async Task<LatchAuditEvent> WaitForSummaryAsync(GatewayInstance gateway)
    {
        var events = await AbuseHttp.WaitForAuditAsync(gateway, e => e.Any(a => a.Type == AuditEventTypes.LockoutEnded), "type=lockout_ended&limit=1000");
        return Assert.Single(events);
    }

    private static async Task<HttpStatusCode[]> BurstAsync(Func<int, Task<HttpResponseMessage>> send)
    {
        using var start = new SemaphoreSlim(0);
        var requests = Enumerable.Range(0, Burst).Select(async i =>
        {
            await start.WaitAsync();
            using var response = await send(i);
            return response.StatusCode;
        }).ToList();
        start.Release(Burst);
        return await Task.WhenAll(requests);
    }
}

[Collection(nameof(EndToEnd.SerialMetricsGroup))]
public sealed class MemoryLockoutSummaryTests : LockoutSummaryTests, IAsyncLifetime
{
    private TestBackend _backend = null!;

    protected override TestBackend Backend => _backend;

    protected override string Duration => "00:05:00";

    public async Task InitializeAsync() => _backend = await TestBackend.StartAsync();

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    protected override async Task<IReadOnlyList<GatewayInstance>> StartAsync(IReadOnlyDictionary<string, string?>? extra = null) =>
        [await GatewayInstance.StartAsync(_backend, AbuseHttp.Merge(Settings, extra ?? new Dictionary<string, string?>()), clock: GatewayTime.NewClock())];

    protected override Task LetLockoutEndAsync(IReadOnlyList<GatewayInstance> gateways)
    {
        gateways[0].Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        return Task.CompletedTask;
    }

    protected override async ValueTask StopAsync(IReadOnlyList<GatewayInstance> gateways) => await gateways[0].DisposeAsync();
}

[Collection(nameof(EndToEnd.SerialMetricsGroup))]
public sealed class RedisLockoutSummaryTests(RedisAndBackendFixture fixture) : LockoutSummaryTests, IClassFixture<RedisAndBackendFixture>
{
    private static readonly TimeSpan LockoutDuration = TimeSpan.FromSeconds(3);

    private RedisReplicaSet? _replicas;

    protected override TestBackend Backend => fixture.Backend;

    protected override string Duration => "00:00:03";

    protected override async Task<IReadOnlyList<GatewayInstance>> StartAsync(IReadOnlyDictionary<string, string?>? extra = null)
    {
        _replicas = await fixture.StartReplicasAsync(2, AbuseHttp.Merge(Settings, extra ?? new Dictionary<string, string?>()));
        return _replicas.All;
    }

    /// <summary>Lockouts are Redis TTLs, on Redis's clock: the test waits for the duration (three seconds) and a sweep.</summary>
    protected override Task LetLockoutEndAsync(IReadOnlyList<GatewayInstance> gateways) => Task.Delay(LockoutDuration + TimeSpan.FromSeconds(0.5));

    protected override async ValueTask StopAsync(IReadOnlyList<GatewayInstance> gateways)
    {
        if (_replicas is not null)
        {
            await _replicas.DisposeAsync();
        }
    }
}
