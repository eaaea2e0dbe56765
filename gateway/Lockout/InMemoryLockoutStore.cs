using System.Collections.Concurrent;
using LatchGateway.Store;

namespace LatchGateway.Lockout;

/// <summary>
/// Lockouts of one process: a fixed window of failures per subject, counted and checked under the subject's lock.
/// Entries whose window and lockout have both passed, and whose lockout's end was reported, are dropped by
/// <see cref="Sweep"/>, so memory follows the number of recent offenders only.
/// </summary>
internal sealed class InMemoryLockoutStore(TimeProvider timeProvider) : ILockoutStore, ISweepable
{
    private readonly ConcurrentDictionary<LockoutSubject, Entry> _entries = new();

    public int Count => _entries.Count;

    public string SweptItems => "lockout counts";

    public ValueTask<TimeSpan> GetRemainingAsync(LockoutSubject subject, CancellationToken cancellationToken)
    {
        // TryGetValue takes no lock; IsEmpty would take every lock of the dictionary on each presentation.
        if (!_entries.TryGetValue(subject, out var entry))
        {
            return ValueTask.FromResult(TimeSpan.Zero);
        }

        lock (entry)
        {
            return ValueTask.FromResult(entry.Check(timeProvider.GetUtcNow()));
        }
    }

    public ValueTask<TimeSpan> PeekRemainingAsync(LockoutSubject subject, CancellationToken cancellationToken)
    {
        if (!_entries.TryGetValue(subject, out var entry))
        {
            return ValueTask.FromResult(TimeSpan.Zero);
        }

        lock (entry)
        {
            return ValueTask.FromResult(entry.Peek(timeProvider.GetUtcNow()));
        }
    }

    public ValueTask<RefusalCount> CountRefusalAsync(LockoutSubject subject, string? route, LatchLockoutOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var now = timeProvider.GetUtcNow();
        while (true)
        {
            var entry = _entries.GetOrAdd(subject, static _ => new Entry());
            lock (entry)
            {
                // Swept between the lookup and the lock: count on the entry that replaces it.
                if (!entry.Removed)
                {
                    return ValueTask.FromResult(entry.Count(subject, route, options, now));
                }
            }
        }
    }

    public ValueTask<IReadOnlyList<EndedLockout>> ClaimEndedAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var ended = new List<EndedLockout>();
        foreach (var (subject, entry) in _entries)
        {
            lock (entry)
            {
                if (entry.ClaimEnded(subject, now) is { } lockout)
                {
                    ended.Add(lockout);
                }
            }
        }

        return ValueTask.FromResult<IReadOnlyList<EndedLockout>>(ended);
    }

    /// <summary>Drops subjects with neither a running window, a lockout nor an unreported end; returns how many were dropped.</summary>
    public int Sweep()
    {
        var now = timeProvider.GetUtcNow();
        var removed = 0;
        foreach (var (subject, entry) in _entries)
        {
            lock (entry)
            {
                if (entry.LockedUntil <= now && entry.WindowEnd <= now && !entry.EndPending
                    && _entries.TryRemove(new KeyValuePair<LockoutSubject, Entry>(subject, entry)))
                {
                    entry.Removed = true;
                    removed++;
                }
            }
        }

        return removed;
    }

    /// <summary>One subject's window and lockout; every member is read and written under the entry's lock.</summary>
    private sealed class Entry
    {
        public DateTimeOffset WindowEnd { get; private set; } = DateTimeOffset.MinValue;

        public int Failures { get; private set; }

        public DateTimeOffset LockedUntil { get; private set; } = DateTimeOffset.MinValue;

        /// <summary>A lockout was imposed and its end not reported yet.</summary>
        public bool EndPending { get; private set; }

        /// <summary>Refusals while the current (or last, unreported) lockout ran.</summary>
        private long Suppressed { get; set; }

        private string? Route { get; set; }

        public bool Removed { get; set; }

        public TimeSpan Peek(DateTimeOffset now) => LockedUntil > now ? LockedUntil - now : TimeSpan.Zero;

        public TimeSpan Check(DateTimeOffset now)
        {
            var remaining = LockedUntil - now;
            if (remaining <= TimeSpan.Zero)
            {
                return TimeSpan.Zero;
            }

            Suppressed++;
            return remaining;
        }

        /// <summary>Counts one refusal unless the subject is locked out; the refusal that reaches the maximum imposes the lockout.</summary>
        public RefusalCount Count(LockoutSubject subject, string? route, LatchLockoutOptions options, DateTimeOffset now)
        {
            if (LockedUntil > now)
            {
                Suppressed++;
                return RefusalCount.AlreadyLockedOut(LockedUntil - now);
            }

            if (now >= WindowEnd)
            {
                WindowEnd = now + options.Window;
                Failures = 0;
            }

            if (++Failures < options.MaxFailures)
            {
                return RefusalCount.Counted;
            }

            var previous = ClaimEnded(subject, now);
            Failures = 0;
            LockedUntil = now + options.Duration;
            WindowEnd = LockedUntil;
            EndPending = true;
            Suppressed = 0;
            Route = route;
            return RefusalCount.Imposed(options.Duration, previous);
        }

        public EndedLockout? ClaimEnded(LockoutSubject subject, DateTimeOffset now)
        {
            if (!EndPending || LockedUntil > now)
            {
                return null;
            }

            EndPending = false;
            return new EndedLockout(subject, LockedUntil, Suppressed, Route);
        }
    }
}
