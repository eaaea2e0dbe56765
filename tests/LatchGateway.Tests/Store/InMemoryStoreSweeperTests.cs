using LatchGateway.Lockout;
using LatchGateway.Tests.Hosting;
using LatchGateway.Store;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace LatchGateway.Tests.Store;

public sealed class InMemoryStoreSweeperTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Sweeps_expired_codes_on_its_interval()
    {
        var time = new TimerObservingTimeProvider();
        var store = new InMemoryLatchStore(time);
        var now = time.GetUtcNow();
        await store.TryAddAsync(TestRecords.Create("AAAAA11111", now, ttl: TimeSpan.FromSeconds(10)), default);
        await store.TryAddAsync(TestRecords.Create("BBBBB22222", now, ttl: TimeSpan.FromSeconds(50)), default);
        await store.TryAddAsync(TestRecords.Create("CCCCC33333", now, ttl: TimeSpan.FromMinutes(5)), default);
        using var sweeper = new InMemoryStoreSweeper(
            store, new InMemoryLockoutStore(time), new TestSettings<LatchLockoutOptions>(new LatchLockoutOptions()), Options.Create(new LatchStoreOptions { SweepInterval = Interval }), time, NullLogger<InMemoryStoreSweeper>.Instance);

        await sweeper.StartAsync(CancellationToken.None);
        try
        {
            await time.TimerCreated.WaitAsync(TimeSpan.FromSeconds(5));

            // The first code has expired, but the interval has not elapsed: nothing is swept yet.
            time.Advance(Interval - TimeSpan.FromSeconds(1));
            await Task.Delay(20);
            Assert.Equal(3, store.Count);

            time.Advance(TimeSpan.FromSeconds(1));
            Assert.True(await CountBecomes(store, 2), $"expected 2 codes after the first sweep, found {store.Count}");

            time.Advance(Interval);
            Assert.True(await CountBecomes(store, 1), $"expected 1 code after the second sweep, found {store.Count}");

            time.Advance(TimeSpan.FromMinutes(5));
            Assert.True(await CountBecomes(store, 0), $"expected an empty store, found {store.Count}");
        }
        finally
        {
            await sweeper.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Stops_cleanly()
    {
        var time = new TimerObservingTimeProvider();
        using var sweeper = new InMemoryStoreSweeper(
            new InMemoryLatchStore(time),
            new InMemoryLockoutStore(time),
            new TestSettings<LatchLockoutOptions>(new LatchLockoutOptions()),
            Options.Create(new LatchStoreOptions()),
            time,
            NullLogger<InMemoryStoreSweeper>.Instance);

        await sweeper.StartAsync(CancellationToken.None);
        await time.TimerCreated.WaitAsync(TimeSpan.FromSeconds(5));
        await sweeper.StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));

        Assert.True(sweeper.ExecuteTask!.IsCompletedSuccessfully);
    }

    /// <summary>Polls briefly (at most ~2 s, in 10 ms steps) for the sweep that advancing the clock triggered.</summary>
    private static async Task<bool> CountBecomes(InMemoryLatchStore store, int expected)
    {
        for (var i = 0; i < 200 && store.Count != expected; i++)
        {
            await Task.Delay(10);
        }

        return store.Count == expected;
    }

    /// <summary>A fake clock that says when the sweeper has created its timer, so advancing it cannot race the start.</summary>
    private sealed class TimerObservingTimeProvider : FakeTimeProvider
    {
        private readonly TaskCompletionSource _timerCreated = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task TimerCreated => _timerCreated.Task;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = base.CreateTimer(callback, state, dueTime, period);
            _timerCreated.TrySetResult();
            return timer;
        }
    }
}
