using LatchGateway.Codes;
using LatchGateway.Contracts;

namespace LatchGateway.Store;

/// <summary>
/// The embedded store: one process, no persistence. Codes are held in <see cref="CodeTable.ShardCount"/> shards by
/// digest, each a table of records with each code's state beside it, and indexed by id in as many shards of
/// <see cref="CodeIdIndex"/>; consumption changes the state under its shard's lock. A live code costs its record
/// (112 bytes) and about 30 bytes of table slots. <see cref="Sweep"/> drops codes once they expire, consumed and
/// revoked ones included.
/// </summary>
internal sealed class InMemoryLatchStore(TimeProvider timeProvider) : ILatchStore, ISweepable
{
    private readonly CodeTable[] _byDigest = [.. Enumerable.Range(0, CodeTable.ShardCount).Select(_ => new CodeTable())];
    private readonly CodeIdIndex[] _byId = [.. Enumerable.Range(0, CodeTable.ShardCount).Select(_ => new CodeIdIndex())];

    /// <summary>Codes held, live or not, until the next sweep.</summary>
    public int Count => _byDigest.Sum(static shard => shard.Count);

    public string SweptItems => "latch codes";

    public ValueTask<bool> TryAddAsync(LatchCodeRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var codes = CodesOf(record.Digest);
        if (!codes.TryAdd(record))
        {
            return ValueTask.FromResult(false);
        }

        if (!_byId[CodeIdIndex.ShardOf(CodeIdIndex.Key.Of(record))].TryAdd(record))
        {
            codes.Remove(record);
            return ValueTask.FromResult(false);
        }

        return ValueTask.FromResult(true);
    }

    public ValueTask<ConsumeResult> ConsumeAsync(CodeDigest digest, CancellationToken cancellationToken) =>
        ValueTask.FromResult(CodesOf(digest).Consume(digest));

    public ValueTask RestoreAsync(CodeDigest digest, CancellationToken cancellationToken)
    {
        CodesOf(digest).Restore(digest);
        return ValueTask.CompletedTask;
    }

    public ValueTask<LatchCodeRecord?> GetAsync(string id, CancellationToken cancellationToken) =>
        ValueTask.FromResult(
            Find(id) is { } record
            && CodesOf(record.Digest).StateOf(record) is { } state
            && CodeListing.Includes(record, state, null, null, timeProvider.GetUtcNow())
                ? record
                : null);

    public ValueTask<CodePage?> ListAsync(LatchCodeQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var now = timeProvider.GetUtcNow();
        var live = new List<LatchCodeRecord>();
        foreach (var shard in _byDigest)
        {
            shard.CollectListed(live, query.Route, query.User, now);
        }

        return ValueTask.FromResult(CodeListing.Page(live, query));
    }

    public ValueTask<LatchCodeRecord?> RevokeAsync(string id, CancellationToken cancellationToken)
    {
        var record = Find(id);
        var revoked = record is not null && !record.IsExpiredAt(timeProvider.GetUtcNow()) && CodesOf(record.Digest).TryRevoke(record);
        return ValueTask.FromResult(revoked ? record : null);
    }

    public ValueTask<bool> IsAvailableAsync(CancellationToken cancellationToken) => ValueTask.FromResult(true);

    /// <summary>Removes every expired code; returns how many were removed.</summary>
    public int Sweep()
    {
        var now = timeProvider.GetUtcNow();
        var removed = new List<LatchCodeRecord>();
        var total = 0;
        foreach (var shard in _byDigest)
        {
            removed.Clear();
            shard.RemoveExpired(now, removed);
            foreach (var record in removed)
            {
                _byId[CodeIdIndex.ShardOf(CodeIdIndex.Key.Of(record))].Remove(record);
            }

            total += removed.Count;
        }

        return total;
    }

    private CodeTable CodesOf(in CodeDigest digest) => _byDigest[CodeTable.ShardOf(digest)];

    private LatchCodeRecord? Find(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        var key = CodeIdIndex.Key.Of(id);
        return _byId[CodeIdIndex.ShardOf(key)].Get(key);
    }
}
