using System.Net;
using LatchGateway.Lockout;
using Microsoft.Extensions.Time.Testing;

namespace LatchGateway.Tests.Lockout;

/// <summary>
/// The lockout window of the memory store on a fake clock: a window opens at a subject's first refusal and lasts
/// <c>Window</c>; the refusal that reaches <c>MaxFailures</c> in it imposes a lockout of <c>Duration</c>, during which
/// nothing is counted; when the lockout ends the subject starts afresh.
/// </summary>
public sealed class InMemoryLockoutStoreTests
{
    private static readonly LatchLockoutOptions Options = new()
    {
        MaxFailures = 3,
        Window = TimeSpan.FromMinutes(1),
        Duration = TimeSpan.FromMinutes(5),
    };

    private static readonly LockoutSubject Client = LockoutSubject.ForClient(IPAddress.Parse("192.0.2.7"), Options);

    private readonly FakeTimeProvider _time = new();
    private readonly InMemoryLockoutStore _store;

    public InMemoryLockoutStoreTests() => _store = new InMemoryLockoutStore(_time);

    [Fact]
    public async Task Refusals_below_MaxFailures_are_counted_and_lock_nothing()
    {
        Assert.Equal(RefusalCount.Counted, await CountAsync());
        Assert.Equal(RefusalCount.Counted, await CountAsync());

        Assert.Equal(TimeSpan.Zero, await RemainingAsync());
    }

    [Fact]
    public async Task The_refusal_that_reaches_MaxFailures_imposes_a_lockout_of_Duration()
    {
        await CountAsync(Options.MaxFailures - 1);

        Assert.Equal(RefusalCount.Imposed(Options.Duration), await CountAsync());
        Assert.Equal(Options.Duration, await RemainingAsync());
    }

    [Fact]
    public async Task The_window_opens_at_the_first_refusal_and_counts_up_to_its_last_instant()
    {
        _time.Advance(TimeSpan.FromSeconds(10));
        await CountAsync();
        _time.Advance(TimeSpan.FromSeconds(30));
        await CountAsync();

        // 10 s + 60 s is the window's end: one tick before it, the third refusal still falls in it.
        _time.Advance(Options.Window - TimeSpan.FromSeconds(30) - TimeSpan.FromTicks(1));
        Assert.Equal(RefusalCount.Imposed(Options.Duration), await CountAsync());
    }

    [Fact]
    public async Task Refusals_of_a_window_that_has_ended_are_forgotten()
    {
        await CountAsync(Options.MaxFailures - 1);

        _time.Advance(Options.Window);

        Assert.Equal(RefusalCount.Counted, await CountAsync());
        Assert.Equal(RefusalCount.Counted, await CountAsync());
        Assert.Equal(RefusalCount.Imposed(Options.Duration), await CountAsync());
    }

    [Fact]
    public async Task While_locked_out_refusals_are_not_counted_and_tell_the_time_remaining()
    {
        await CountAsync(Options.MaxFailures);

        _time.Advance(TimeSpan.FromSeconds(100));

        var remaining = Options.Duration - TimeSpan.FromSeconds(100);
        Assert.Equal(RefusalCount.AlreadyLockedOut(remaining), await CountAsync());
        Assert.Equal(RefusalCount.AlreadyLockedOut(remaining), await CountAsync());
        Assert.Equal(remaining, await RemainingAsync());
    }

    [Fact]
    public async Task The_lockout_ends_after_Duration_and_the_subject_starts_afresh()
    {
        await CountAsync(Options.MaxFailures);

        _time.Advance(Options.Duration - TimeSpan.FromTicks(1));
        Assert.Equal(TimeSpan.FromTicks(1), await RemainingAsync());
        Assert.Equal(RefusalCount.AlreadyLockedOut(TimeSpan.FromTicks(1)), await CountAsync());

        _time.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(TimeSpan.Zero, await RemainingAsync());

        // Nothing of the refusals before the lockout is carried over: a full MaxFailures locks again.
        Assert.Equal(RefusalCount.Counted, await CountAsync());
        Assert.Equal(RefusalCount.Counted, await CountAsync());
        var again = await CountAsync();
        Assert.Equal((RefusalCounting.Imposed, Options.Duration), (again.Result, again.LockedFor));

        // No sweep reported the first lockout's end: it comes with the second, with the two requests it refused.
        Assert.Equal(2, again.Ended?.Suppressed);
    }

    [Fact]
    public async Task Each_subject_has_its_own_window_and_lockout()
    {
        var alice = LockoutSubject.ForUser("alice");
        await CountAsync(Options.MaxFailures);

        Assert.Equal(RefusalCount.Counted, await _store.CountRefusalAsync(alice, null, Options, default));
        Assert.Equal(TimeSpan.Zero, await _store.GetRemainingAsync(alice, default));
        Assert.Equal(TimeSpan.Zero, await _store.GetRemainingAsync(LockoutSubject.ForClient(IPAddress.Parse("192.0.2.8"), Options), default));
    }

    [Fact]
    public async Task Of_many_concurrent_refusals_exactly_MaxFailures_are_counted_and_the_rest_find_the_lockout()
    {
        const int Refusals = 500;
        var options = Options with { MaxFailures = 5 };
        using var start = new ManualResetEventSlim();
        var counting = Enumerable.Range(0, Refusals).Select(_ => Task.Run(async () =>
        {
            start.Wait();
            return await _store.CountRefusalAsync(Client, null, options, default);
        })).ToList();

        start.Set();
        var counts = await Task.WhenAll(counting);

        Assert.Equal(options.MaxFailures - 1, counts.Count(c => c == RefusalCount.Counted));
        Assert.Equal(RefusalCount.Imposed(options.Duration), Assert.Single(counts, c => c.Result == RefusalCounting.Imposed));
        Assert.Equal(Refusals - options.MaxFailures, counts.Count(c => c == RefusalCount.AlreadyLockedOut(options.Duration)));
    }

    private async Task<RefusalCount> CountAsync() => await _store.CountRefusalAsync(Client, null, Options, default);

    private async Task CountAsync(int refusals)
    {
        for (var i = 0; i < refusals; i++)
        {
            await CountAsync();
        }
    }

    private async Task<TimeSpan> RemainingAsync() => await _store.GetRemainingAsync(Client, default);
}
