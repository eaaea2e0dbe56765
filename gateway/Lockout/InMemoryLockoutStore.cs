using System.Collections.Concurrent;
using LatchGateway.Store;

namespace LatchGateway.Lockout;

/// <summary>
/// Lockouts of one process: a fixed window of failures per subject, counted and checked under the subject's lock.
/// Entries whose window and lockout have both passed are dropped by <see cref="Sweep"/>, so memory follows the
/// number of recent offenders only.
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
            var remaining = entry.LockedUntil - timeProvider.GetUtcNow();
            return ValueTask.FromResult(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero);
        }
    }

    public ValueTask<RefusalCount> CountRefusalAsync(LockoutSubject subject, LatchLockoutOptions options, CancellationToken cancellationToken)
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
                    return ValueTask.FromResult(entry.Count(options, now));
                }
            }
        }
    }

    /// <summary>Drops subjects with neither a running window nor a lockout; returns how many were dropped.</summary>
    public int Sweep()
    {
        var now = timeProvider.GetUtcNow();
        var removed = 0;
        foreach (var (subject, entry) in _entries)
        {
            lock (entry)
            {
                if (entry.LockedUntil <= now && entry.WindowEnd <= now
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

        public bool Removed { get; set; }

        /// <summary>Counts one refusal unless the subject is locked out; the refusal that reaches the maximum imposes the lockout.</summary>
        public RefusalCount Count(LatchLockoutOptions options, DateTimeOffset now)
        {
            if (LockedUntil > now)
            {
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

            Failures = 0;
            LockedUntil = now + options.Duration;
            WindowEnd = LockedUntil;
            return RefusalCount.Imposed(options.Duration);
        }
    }
}
