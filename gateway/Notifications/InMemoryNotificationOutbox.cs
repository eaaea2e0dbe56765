namespace LatchGateway.Notifications;

/// <summary>
/// The outbox of one process, holding entries as they are. Every call runs under one lock, so a claim hands each due
/// entry to one caller and moves it to the end of its lease in one step. Entries are kept in the order they may be
/// claimed: by the time they may next be claimed (their due time, or the end of a claim's lease), then by creation.
/// </summary>
internal sealed class InMemoryNotificationOutbox : INotificationOutbox
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Slot> _slots = new(StringComparer.Ordinal);
    private readonly SortedSet<Slot> _queue = new(SlotOrder.Instance);
    private long _sequence;

    /// <summary>Entries held, claimed or not.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _slots.Count;
            }
        }
    }

    public ValueTask EnqueueAsync(IReadOnlyList<OutboxEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        lock (_lock)
        {
            foreach (var entry in entries)
            {
                Put(entry, entry.DueAt);
            }
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<IReadOnlyList<OutboxEntry>> ClaimDueAsync(DateTimeOffset now, TimeSpan lease, int max, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lease, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        var claimed = new List<OutboxEntry>();
        lock (_lock)
        {
            foreach (var slot in _queue)
            {
                if (slot.ClaimableAt > now || claimed.Count == max)
                {
                    break;
                }

                claimed.Add(slot.Entry);
            }

            foreach (var entry in claimed)
            {
                Put(entry, now + lease);
            }
        }

        return ValueTask.FromResult<IReadOnlyList<OutboxEntry>>(claimed);
    }

    public ValueTask CompleteAsync(OutboxEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        lock (_lock)
        {
            if (_slots.Remove(entry.Id, out var slot))
            {
                _queue.Remove(slot);
            }
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask RescheduleAsync(OutboxEntry next, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(next);
        lock (_lock)
        {
            Put(next, next.DueAt);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Stores <paramref name="entry"/>, claimable at <paramref name="claimableAt"/>, in the place its id had if it had one.</summary>
    private void Put(OutboxEntry entry, DateTimeOffset claimableAt)
    {
        var sequence = _slots.Remove(entry.Id, out var old) && _queue.Remove(old) ? old.Sequence : ++_sequence;
        var slot = new Slot(entry, claimableAt, sequence);
        _slots.Add(entry.Id, slot);
        _queue.Add(slot);
    }

    private sealed record Slot(OutboxEntry Entry, DateTimeOffset ClaimableAt, long Sequence);

    /// <summary>Claimable first, then created first; the sequence (unique) breaks ties, so no two slots compare equal.</summary>
    private sealed class SlotOrder : IComparer<Slot>
    {
        public static readonly SlotOrder Instance = new();

        public int Compare(Slot? x, Slot? y) =>
            ReferenceEquals(x, y) ? 0
            : x is null ? -1
            : y is null ? 1
            : x.ClaimableAt.CompareTo(y.ClaimableAt) is var byTime and not 0 ? byTime
            : x.Entry.CreatedAt.CompareTo(y.Entry.CreatedAt) is var byCreation and not 0 ? byCreation
            : x.Sequence.CompareTo(y.Sequence);
    }
}
