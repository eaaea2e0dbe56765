using System.Collections.Concurrent;
using LatchGateway.Codes;

namespace LatchGateway.Store;

/// <summary>
/// The embedded store: one process, no persistence. Each code is one object, its record, indexed by digest and by
/// id; consumption is a compare-and-swap on the record's state. <see cref="Sweep"/> drops codes once they expire,
/// consumed and revoked ones included.
/// </summary>
internal sealed class InMemoryLatchStore(TimeProvider timeProvider) : ILatchStore
{
    private readonly ConcurrentDictionary<CodeDigest, LatchCodeRecord> _byDigest = new();
    private readonly ConcurrentDictionary<string, LatchCodeRecord> _byId = new(StringComparer.Ordinal);

    /// <summary>Codes held, live or not, until the next sweep.</summary>
    public int Count => _byId.Count;

    public ValueTask<bool> TryAddAsync(LatchCodeRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (!_byDigest.TryAdd(record.Digest, record))
        {
            return ValueTask.FromResult(false);
        }

        if (!_byId.TryAdd(record.Id, record))
        {
            _byDigest.TryRemove(new KeyValuePair<CodeDigest, LatchCodeRecord>(record.Digest, record));
            return ValueTask.FromResult(false);
        }

        return ValueTask.FromResult(true);
    }

    public ValueTask<ConsumeResult> ConsumeAsync(CodeDigest digest, CancellationToken cancellationToken)
    {
        if (!_byDigest.TryGetValue(digest, out var record))
        {
            return ValueTask.FromResult(ConsumeResult.NotFound);
        }

        var prior = record.TryLeaveLive(CodeState.Consumed);
        return ValueTask.FromResult(new ConsumeResult(record, prior));
    }

    public ValueTask RestoreAsync(CodeDigest digest, CancellationToken cancellationToken)
    {
        if (_byDigest.TryGetValue(digest, out var record))
        {
            record.TryRestore();
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<LatchCodeRecord?> GetAsync(string id, CancellationToken cancellationToken) =>
        ValueTask.FromResult(
            _byId.TryGetValue(id, out var record) && IsLive(record, timeProvider.GetUtcNow()) ? record : null);

    public ValueTask<IReadOnlyList<LatchCodeRecord>> ListAsync(string? route, string? user, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var live = new List<LatchCodeRecord>();
        foreach (var (_, record) in _byId)
        {
            if (IsLive(record, now)
                && (route is null || string.Equals(record.Route, route, StringComparison.Ordinal))
                && (user is null || string.Equals(record.User, user, StringComparison.Ordinal)))
            {
                live.Add(record);
            }
        }

        live.Sort(static (x, y) => y.IssuedAt.CompareTo(x.IssuedAt));
        return ValueTask.FromResult<IReadOnlyList<LatchCodeRecord>>(live);
    }

    public ValueTask<LatchCodeRecord?> RevokeAsync(string id, CancellationToken cancellationToken)
    {
        if (!_byId.TryGetValue(id, out var record) || record.IsExpiredAt(timeProvider.GetUtcNow()))
        {
            return ValueTask.FromResult<LatchCodeRecord?>(null);
        }

        var revoked = record.TryLeaveLive(CodeState.Revoked) == CodeState.Live;
        return ValueTask.FromResult(revoked ? record : null);
    }

    public ValueTask<bool> IsAvailableAsync(CancellationToken cancellationToken) => ValueTask.FromResult(true);

    /// <summary>Removes every expired code; returns how many were removed.</summary>
    public int Sweep()
    {
        var now = timeProvider.GetUtcNow();
        var removed = 0;
        foreach (var (id, record) in _byId)
        {
            if (record.IsExpiredAt(now))
            {
                _byDigest.TryRemove(new KeyValuePair<CodeDigest, LatchCodeRecord>(record.Digest, record));
                if (_byId.TryRemove(new KeyValuePair<string, LatchCodeRecord>(id, record)))
                {
                    removed++;
                }
            }
        }

        return removed;
    }

    private static bool IsLive(LatchCodeRecord record, DateTimeOffset now) =>
        record.State == CodeState.Live && !record.IsExpiredAt(now);
}
