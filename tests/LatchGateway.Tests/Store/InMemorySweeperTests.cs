using System.Net;
using LatchGateway.Lockout;
using LatchGateway.Store;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace LatchGateway.Tests.Store;

/// <summary>
/// Each in-memory store is swept on <c>Latch:Store:SweepInterval</c> by a timer of the fake clock: advancing the
/// clock runs the sweep before <c>Advance</c> returns, so every assertion is exact, with no waiting.
/// </summary>
public sealed class InMemorySweeperTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task Sweeps_expired_codes_on_its_interval_and_not_before()
    {
        var store = new InMemoryLatchStore(_time);
        var now = _time.GetUtcNow();
        await store.TryAddAsync(TestRecords.Create("AAAAA11111", now, ttl: TimeSpan.FromSeconds(10)), default);
        await store.TryAddAsync(TestRecords.Create("BBBBB22222", now, ttl: TimeSpan.FromSeconds(50)), default);
        await store.TryAddAsync(TestRecords.Create("CCCCC33333", now, ttl: TimeSpan.FromMinutes(5)), default);
        using var sweeper = Start(store);

        // The first code has expired, but the interval has not elapsed: nothing is swept yet.
        _time.Advance(Interval - TimeSpan.FromSeconds(1));
        Assert.Equal(3, store.Count);

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(2, store.Count);

        _time.Advance(Interval);
        Assert.Equal(1, store.Count);

        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(0, store.Count);
    }

    [Fact]
    public async Task Sweeps_lockout_counts_once_their_window_and_lockout_have_passed()
    {
        var store = new InMemoryLockoutStore(_time);
        var options = new LatchLockoutOptions { MaxFailures = 2, Window = TimeSpan.FromMinutes(1), Duration = TimeSpan.FromMinutes(5) };
        await store.CountRefusalAsync(LockoutSubject.ForUser("counted"), null, options, default);
        await store.CountRefusalAsync(LockoutSubject.ForClient(IPAddress.Parse("192.0.2.1"), options), null, options, default);
        await store.CountRefusalAsync(LockoutSubject.ForClient(IPAddress.Parse("192.0.2.1"), options), null, options, default);
        using var sweeper = Start(store);

        _time.Advance(Interval);
        Assert.Equal(2, store.Count);

        // Past the window: the count without a lockout goes; the lockout stays until it ends.
        _time.Advance(Interval);
        Assert.Equal(1, store.Count);

        _time.Advance(TimeSpan.FromMinutes(3.5));
        Assert.Equal(1, store.Count);

        // Ended, the lockout stays until its end is reported (LockoutEndings claims it), then goes.
        _time.Advance(Interval);
        Assert.Equal(1, store.Count);
        Assert.Single(await store.ClaimEndedAsync(_time.GetUtcNow(), default));
        _time.Advance(Interval);
        Assert.Equal(0, store.Count);
    }

    [Fact]
    public async Task Stops_sweeping_when_the_host_stops()
    {
        var store = new InMemoryLatchStore(_time);
        await store.TryAddAsync(TestRecords.Create("AAAAA11111", _time.GetUtcNow(), ttl: TimeSpan.FromSeconds(10)), default);
        using var sweeper = Start(store);

        await sweeper.StopAsync(CancellationToken.None);
        _time.Advance(Interval * 3);

        Assert.Equal(1, store.Count);
    }

    private InMemorySweeper<TStore> Start<TStore>(TStore store)
        where TStore : ISweepable
    {
        var sweeper = new InMemorySweeper<TStore>(
            store, Options.Create(new LatchStoreOptions { SweepInterval = Interval }), _time, NullLogger<InMemorySweeper<TStore>>.Instance);
        sweeper.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        return sweeper;
    }
}
