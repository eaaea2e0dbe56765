using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text;
using LatchGateway.Audit;
using LatchGateway.Contracts;
using LatchGateway.Diagnostics;
using LatchGateway.Notifications;
using LatchGateway.Store.Redis;
using LatchGateway.Tests.Infrastructure;
using LatchGateway.Tests.Logging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace LatchGateway.Tests.Notifications;

/// <summary>
/// The outbox contract on a real <c>redis-server</c>, each test under a key prefix of its own; then what is
/// particular to Redis: entries outlive a gateway, hold no code in clear, expire only long after they are due, and
/// a Redis that is down or stalled is reported fast.
/// </summary>
public sealed class OutboxRedisTests(RedisServerFixture fixture) : OutboxContractTests, IClassFixture<RedisServerFixture>, IDisposable
{
    private static readonly TimeSpan FailFastWithin = TimeSpan.FromSeconds(2);

    private readonly string _prefix = $"outbox-{Guid.NewGuid():N}";
    private readonly List<RedisConnection> _connections = [];
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly MeterListener _meters = new();
    private readonly List<(string Channel, string Outcome)> _counted = [];
    private readonly CapturingLoggerFactory _logs = new();
    private TestTelemetry _telemetry = null!;
    private ConnectionMultiplexer? _client;

    private IDatabase Db => _client!.GetDatabase();

    public override async Task DisposeAsync()
    {
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync();
        }

        if (_client is not null)
        {
            await _client.DisposeAsync();
        }

        await _services.DisposeAsync();
        await base.DisposeAsync();
    }

    public void Dispose()
    {
        _meters.Dispose();
        _telemetry.Dispose();
        _logs.Dispose();
    }

    private protected override async Task<INotificationOutbox> CreateOutboxAsync()
    {
        var factory = _services.GetRequiredService<IMeterFactory>();
        _telemetry = new TestTelemetry(Time, factory);
        _meters.InstrumentPublished = (instrument, listener) =>
        {
            // Only this test's meter: gateways running in the same process have meters named LatchGateway too.
            if (ReferenceEquals(instrument.Meter.Scope, factory) && instrument.Name == "latch.notifications")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _meters.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            var labels = tags.ToArray().ToDictionary(t => t.Key, t => t.Value?.ToString());
            lock (_counted)
            {
                _counted.Add((labels["channel"]!, labels["outcome"]!));
            }
        });
        _meters.Start();
        _client = await ConnectionMultiplexer.ConnectAsync(fixture.Redis.Endpoint);
        return NewReplica();
    }

    private protected override INotificationOutbox OtherReplica() => NewReplica();

    [Fact]
    public async Task Entries_outlive_the_gateway_that_stored_them_and_a_dead_claimer_s_lease()
    {
        var waiting = NewEntry(due: Now.AddSeconds(-1));
        var claimedWhenItDied = NewEntry(due: Now.AddSeconds(-2));
        await Outbox.EnqueueAsync([waiting, claimedWhenItDied], default);
        AssertEntries([claimedWhenItDied], await Outbox.ClaimDueAsync(Now, Lease, 1, default));
        await _connections[0].DisposeAsync();
        _connections.RemoveAt(0);

        var restarted = NewReplica();

        var delivered = await restarted.ClaimDueAsync(Now, Lease, 10, default);
        AssertEntries([waiting], delivered);
        await restarted.CompleteAsync(delivered[0], default);
        AssertEntries([claimedWhenItDied], await restarted.ClaimDueAsync(Now + Lease, Lease, 10, default));
    }

    [Fact]
    public async Task Redis_holds_no_code_in_clear_and_a_claim_gives_it_back()
    {
        var code = LatchHttp.RandomCode();
        var entry = NewEntry(channels: ["requester"], code: code);
        await Outbox.EnqueueAsync([entry, NewEntry()], default);

        AssertNoCodeIn(await DumpAsync(), code);
        var claimed = (await OtherReplica().ClaimDueAsync(Now, Lease, 10, default)).Single(e => e.Id == entry.Id);
        Assert.Equal(code, claimed.Notification.Data.Code);
        AssertEntry(entry, claimed);

        // A retry is written again: still sealed, still opened.
        await OtherReplica().RescheduleAsync(claimed with { Attempt = 1, DueAt = Now.AddSeconds(20) }, default);
        AssertNoCodeIn(await DumpAsync(), code);
        Assert.Equal(code, Assert.Single(await Outbox.ClaimDueAsync(Now.AddSeconds(20), Lease, 10, default)).Notification.Data.Code);
    }

    [Fact]
    public async Task A_code_sealed_under_another_hash_key_is_reported_as_failed_never_handed_out()
    {
        var delivery = NewEntry(channels: ["requester"], code: LatchHttp.RandomCode());
        var plain = NewEntry(due: Now.AddSeconds(-1));
        await Outbox.EnqueueAsync([delivery, plain], default);
        var otherKey = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)(i * 11)).ToArray());

        var rekeyed = NewReplica(otherKey);

        AssertEntries([plain], await rekeyed.ClaimDueAsync(Now, Lease, 10, default));
        var failed = Assert.Single(_telemetry.Queued());
        Assert.Equal(AuditEventTypes.NotificationFailed, failed.Type);
        Assert.Equal("orders-admin", failed.Route);
        Assert.Equal("alice", failed.User);
        Assert.Contains("could not be decrypted", failed.Reason, StringComparison.Ordinal);
        Assert.Equal([("requester", "failed")], Counted());

        // It is gone for every replica, whatever its key: reported once, and nothing of it is left in Redis.
        Assert.DoesNotContain(await Outbox.ClaimDueAsync(Now.AddDays(1), Lease, 10, default), e => e.Id == delivery.Id);
        Assert.False(await Db.KeyExistsAsync(EntryKey(delivery.Id)));
        Assert.Null(await Db.SortedSetScoreAsync(DueKey, delivery.Id));
        Assert.Empty(_telemetry.Queued());
    }

    [Fact]
    public async Task Entries_expire_only_a_week_after_they_are_due_and_a_retry_renews_that()
    {
        var entry = NewEntry(due: Now.AddHours(1));
        await Outbox.EnqueueAsync([entry], default);

        AssertTtl(RedisNotificationOutbox.EntryTtl + TimeSpan.FromHours(1), await Db.KeyTimeToLiveAsync(EntryKey(entry.Id)));
        Assert.Null(await Db.KeyTimeToLiveAsync(DueKey));

        Time.Advance(TimeSpan.FromDays(3));
        var claimed = Assert.Single(await Outbox.ClaimDueAsync(Now, Lease, 10, default));
        await Outbox.RescheduleAsync(claimed with { Attempt = 1, DueAt = Now.AddMinutes(10) }, default);

        AssertTtl(RedisNotificationOutbox.EntryTtl + TimeSpan.FromMinutes(10), await Db.KeyTimeToLiveAsync(EntryKey(entry.Id)));
    }

    [Fact]
    public async Task A_completed_entry_leaves_no_key_behind()
    {
        var entries = new[] { NewEntry(), NewEntry(code: LatchHttp.RandomCode()) };
        await Outbox.EnqueueAsync(entries, default);

        foreach (var entry in await Outbox.ClaimDueAsync(Now, Lease, 10, default))
        {
            await OtherReplica().CompleteAsync(entry, default);
        }

        Assert.Empty(Keys());
    }

    [Fact]
    public async Task An_id_whose_entry_is_gone_is_dropped_from_the_queue_when_claimed()
    {
        var gone = NewEntry(due: Now.AddSeconds(-1));
        var kept = NewEntry();
        await Outbox.EnqueueAsync([gone, kept], default);
        await Db.KeyDeleteAsync(EntryKey(gone.Id));

        AssertEntries([kept], await Outbox.ClaimDueAsync(Now, Lease, 10, default));

        Assert.Null(await Db.SortedSetScoreAsync(DueKey, gone.Id));
    }

    [Fact]
    public async Task An_entry_that_cannot_be_read_is_dropped_and_logged_and_the_others_are_claimed()
    {
        var kept = NewEntry();
        await Outbox.EnqueueAsync([kept], default);
        var damaged = NewId();
        await Db.StringSetAsync(EntryKey(damaged), """{"id":"not what this version writes"}""");
        await Db.SortedSetAddAsync(DueKey, damaged, Now.AddSeconds(-1).ToUnixTimeMilliseconds());
        var logged = NewReplica(logger: new Logger<RedisNotificationOutbox>(_logs));

        AssertEntries([kept], await logged.ClaimDueAsync(Now, Lease, 10, default));

        var line = Assert.Single(_logs.Entries);
        Assert.Equal(LogLevel.Error, line.Level);
        Assert.Contains(damaged, line.Message, StringComparison.Ordinal);
        Assert.False(await Db.KeyExistsAsync(EntryKey(damaged)));
        Assert.Null(await Db.SortedSetScoreAsync(DueKey, damaged));
    }

    [Fact]
    public async Task A_stopped_Redis_fails_every_call_fast_with_LatchStoreUnavailableException()
    {
        await using var redis = await RedisServer.StartAsync();
        var outbox = NewReplica(endpoint: redis.Endpoint);
        var entry = NewEntry();
        await outbox.EnqueueAsync([entry], default);
        await redis.StopAsync();

        await AssertUnavailableAsync(() => outbox.EnqueueAsync([NewEntry()], default).AsTask());
        await AssertUnavailableAsync(() => outbox.ClaimDueAsync(Now, Lease, 10, default).AsTask());
        await AssertUnavailableAsync(() => outbox.RescheduleAsync(entry with { Attempt = 1 }, default).AsTask());
        await AssertUnavailableAsync(() => outbox.CompleteAsync(entry, default).AsTask());
    }

    [Fact]
    public async Task A_stalled_Redis_fails_a_claim_within_two_seconds()
    {
        await using var redis = await RedisServer.StartAsync();
        var outbox = NewReplica(endpoint: redis.Endpoint);
        await outbox.EnqueueAsync([NewEntry()], default);

        redis.Pause();
        try
        {
            await AssertUnavailableAsync(() => outbox.ClaimDueAsync(Now, Lease, 10, default).AsTask());
            await AssertUnavailableAsync(() => outbox.EnqueueAsync([NewEntry()], default).AsTask());
        }
        finally
        {
            redis.Resume();
        }
    }

    private RedisNotificationOutbox NewReplica(string? hashKey = null, ILogger<RedisNotificationOutbox>? logger = null, string? endpoint = null) =>
        OutboxRedisReplica.Create(endpoint ?? fixture.Redis.Endpoint, _prefix, _telemetry, Time, _connections, hashKey, logger);

    private static async Task AssertUnavailableAsync(Func<Task> call)
    {
        var watch = Stopwatch.StartNew();
        await Assert.ThrowsAsync<LatchStoreUnavailableException>(call);
        Assert.True(watch.Elapsed < FailFastWithin, $"the failure took {watch.Elapsed.TotalMilliseconds:F0} ms");
    }

    private static void AssertNoCodeIn(string dump, string code)
    {
        Assert.DoesNotContain(code, dump, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(LatchHttp.Normalised(code), dump, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes(code)), dump, StringComparison.Ordinal);
        Assert.DoesNotContain("\"code\"", dump, StringComparison.Ordinal);
    }

    private static void AssertTtl(TimeSpan expected, TimeSpan? actual) =>
        Assert.True(actual is { } ttl && ttl <= expected && ttl > expected - TimeSpan.FromMinutes(1), $"the TTL is {actual}, not {expected}");

    private List<(string Channel, string Outcome)> Counted()
    {
        lock (_counted)
        {
            return [.. _counted];
        }
    }

    private RedisKey DueKey => $"{_prefix}:outbox:due";

    private RedisKey EntryKey(string id) => $"{_prefix}:outbox:{{{id}}}";

    private List<RedisKey> Keys() => [.. _client!.GetServer(fixture.Redis.Endpoint).Keys(pattern: $"{_prefix}:*")];

    private async Task<string> DumpAsync()
    {
        var text = new StringBuilder();
        foreach (var key in Keys())
        {
            text.Append(key.ToString()).Append('\n');
            var values = await Db.KeyTypeAsync(key) switch
            {
                RedisType.String => [await Db.StringGetAsync(key)],
                RedisType.SortedSet => await Db.SortedSetRangeByRankAsync(key),
                var other => throw new InvalidOperationException($"{key} is a {other}"),
            };
            foreach (var value in values)
            {
                text.Append(value.ToString()).Append('\n');
            }
        }

        Assert.NotEqual(0, text.Length);
        return text.ToString();
    }
}
