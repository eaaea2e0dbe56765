using System.Collections.Concurrent;
using LatchGateway.Codes;
using LatchGateway.Contracts;

namespace LatchGateway.Store;

/// <summary>
/// The embedded store: one process, no persistence. Each code is one entry, indexed by digest and by id, holding
/// the code's immutable record and its state; consumption is a compare-and-swap on that state. <see cref="Sweep"/>
/// drops codes once they expire, consumed and revoked ones included.
/// </summary>
internal sealed class InMemoryLatchStore(TimeProvider timeProvider) : ILatchStore, ISweepable
{
    private readonly ConcurrentDictionary<CodeDigest, Entry> _byDigest = new();
    private readonly ConcurrentDictionary<string, Entry> _byId = new(StringComparer.Ordinal);

    /// <summary>Codes held, live or not, until the next sweep.</summary>
    public int Count => _byId.Count;

    public string SweptItems => "latch codes";

    public ValueTask<bool> TryAddAsync(LatchCodeRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var entry = new Entry(record);
        if (!_byDigest.TryAdd(record.Digest, entry))
        {
            return ValueTask.FromResult(false);
        }

        if (!_byId.TryAdd(record.Id, entry))
        {
            _byDigest.TryRemove(new KeyValuePair<CodeDigest, Entry>(record.Digest, entry));
            return ValueTask.FromResult(false);
        }

        return ValueTask.FromResult(true);
    }

    public ValueTask<ConsumeResult> ConsumeAsync(CodeDigest digest, CancellationToken cancellationToken)
    {
        if (!_byDigest.TryGetValue(digest, out var entry))
        {
            return ValueTask.FromResult(ConsumeResult.NotFound);
        }

        var prior = entry.TryLeaveLive(CodeState.Consumed);
        return ValueTask.FromResult(new ConsumeResult(entry.Record, prior));
    }

    public ValueTask RestoreAsync(CodeDigest digest, CancellationToken cancellationToken)
    {
        if (_byDigest.TryGetValue(digest, out var entry))
        {
            entry.TryRestore();
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<LatchCodeRecord?> GetAsync(string id, CancellationToken cancellationToken) =>
        ValueTask.FromResult(
            _byId.TryGetValue(id, out var entry) && CodeListing.Includes(entry.Record, entry.State, null, null, timeProvider.GetUtcNow())
                ? entry.Record
                : null);

    public ValueTask<CodePage?> ListAsync(LatchCodeQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var now = timeProvider.GetUtcNow();
        var live = new List<LatchCodeRecord>();
        foreach (var (_, entry) in _byId)
        {
            if (CodeListing.Includes(entry.Record, entry.State, query.Route, query.User, now))
            {
                live.Add(entry.Record);
            }
        }

        return ValueTask.FromResult(CodeListing.Page(live, query));
    }

    public ValueTask<LatchCodeRecord?> RevokeAsync(string id, CancellationToken cancellationToken)
    {
        if (!_byId.TryGetValue(id, out var entry) || entry.Record.IsExpiredAt(timeProvider.GetUtcNow()))
        {
            return ValueTask.FromResult<LatchCodeRecord?>(null);
        }

        var revoked = entry.TryRevoke();
        return ValueTask.FromResult(revoked ? entry.Record : null);
    }

    public ValueTask<bool> IsAvailableAsync(CancellationToken cancellationToken) => ValueTask.FromResult(true);

    /// <summary>Removes every expired code; returns how many were removed.</summary>
    public int Sweep()
    {
        var now = timeProvider.GetUtcNow();
        var removed = 0;
        foreach (var (id, entry) in _byId)
        {
            if (entry.Record.IsExpiredAt(now))
            {
                _byDigest.TryRemove(new KeyValuePair<CodeDigest, Entry>(entry.Record.Digest, entry));
                if (_byId.TryRemove(new KeyValuePair<string, Entry>(id, entry)))
                {
                    removed++;
                }
            }
        }

        return removed;
    }

    /// <summary>One stored code: its record and where it is in its life. The state leaves <see cref="CodeState.Live"/> by compare-and-swap.</summary>
    private sealed class Entry(LatchCodeRecord record)
    {
        private int _state;
        private int _revocationAsked;

        public LatchCodeRecord Record { get; } = record;

        public CodeState State => (CodeState)Volatile.Read(ref _state);

        /// <summary>Moves a live code to <paramref name="next"/> atomically; returns the state it was in before.</summary>
        public CodeState TryLeaveLive(CodeState next) =>
            (CodeState)Interlocked.CompareExchange(ref _state, (int)next, (int)CodeState.Live);

        /// <summary>
        /// Revokes a live code; true when this call did. The request is noted first, so a code consumed at this
        /// moment and then restored comes back revoked: no revocation is lost to a restore.
        /// </summary>
        public bool TryRevoke()
        {
            Volatile.Write(ref _revocationAsked, 1);
            return TryLeaveLive(CodeState.Revoked) == CodeState.Live;
        }

        /// <summary>Moves a consumed code back to live atomically (then to revoked if a revocation was asked meanwhile).</summary>
        public void TryRestore()
        {
            if (Interlocked.CompareExchange(ref _state, (int)CodeState.Live, (int)CodeState.Consumed) == (int)CodeState.Consumed
                && Volatile.Read(ref _revocationAsked) == 1)
            {
                TryLeaveLive(CodeState.Revoked);
            }
        }
    }
}
