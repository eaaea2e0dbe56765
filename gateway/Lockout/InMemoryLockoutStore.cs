using System.Collections.Concurrent;

namespace LatchGateway.Lockout;

/// <summary>
/// Lockouts of one process: a fixed window of failures per subject. Entries whose window and lockout have both
/// passed are dropped by <see cref="Sweep"/>, so memory follows the number of recent offenders only.
/// </summary>
internal sealed class InMemoryLockoutStore(TimeProvider timeProvider) : ILockoutStore
{
    private readonly ConcurrentDictionary<LockoutSubject, Entry> _entries = new();

    public int Count => _entries.Count;

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
                    return ValueTask.FromResult(CountUnderLock(entry, options, now));
                }
            }
        }
    }

    // Called under the entry's lock.
    private static RefusalCount CountUnderLock(Entry entry, LatchLockoutOptions options, DateTimeOffset now)
    {
        if (entry.LockedUntil > now)
        {
            return RefusalCount.AlreadyLockedOut(entry.LockedUntil - now);
        }

        // Subtraction, not WindowStart + Window: the first window starts at DateTimeOffset.MinValue.
        if (now - entry.WindowStart >= options.Window)
        {
            entry.WindowStart = now;
            entry.Failures = 0;
        }

        if (++entry.Failures < options.MaxFailures)
        {
            return RefusalCount.Counted;
        }

        entry.Failures = 0;
        entry.LockedUntil = now + options.Duration;
        entry.WindowStart = entry.LockedUntil;
        return RefusalCount.Imposed(options.Duration);
    }

    /// <summary>Drops subjects with neither a running window nor a lockout.</summary>
    public int Sweep(TimeSpan window)
    {
        var now = timeProvider.GetUtcNow();
        var removed = 0;
        foreach (var (subject, entry) in _entries)
        {
            lock (entry)
            {
                if (entry.LockedUntil <= now && now - entry.WindowStart >= window
                    && _entries.TryRemove(new KeyValuePair<LockoutSubject, Entry>(subject, entry)))
                {
                    entry.Removed = true;
                    removed++;
                }
            }
        }

        return removed;
    }

    private sealed class Entry
    {
        public DateTimeOffset WindowStart { get; set; }

        public int Failures { get; set; }

        public DateTimeOffset LockedUntil { get; set; }

        public bool Removed { get; set; }
    }
}
