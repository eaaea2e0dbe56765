using System.Net;
using LatchGateway.Admin;
using LatchGateway.Codes;
using LatchGateway.Contracts;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace LatchGateway.Store.Redis;

/// <summary>
/// Codes in Redis, shared by every replica. Redis holds only digests and metadata; each state change is one Lua
/// script on the keys of one shard (<see cref="RedisKeys"/>) — one round trip, issuing included — and every key
/// expires with its code. Any Redis failure surfaces as
/// <see cref="LatchStoreUnavailableException"/>, so callers fail closed.
/// </summary>
internal sealed class RedisLatchStore(RedisConnection connection, IOptions<LatchStoreOptions> options, TimeProvider timeProvider) : ILatchStore
{
    private static readonly RedisValue[] FieldNames = Array.ConvertAll(RedisScripts.Fields, static f => (RedisValue)f);

    private readonly RedisKeys _keys = new(options.Value.KeyPrefix);

    public async ValueTask<bool> TryAddAsync(LatchCodeRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var shard = CodeShard.Of(record.Digest);
        if (CodeShard.Of(record.Id) != shard)
        {
            throw new ArgumentException("A code's id must name the shard of its digest (CodeShard.NewId).", nameof(record));
        }

        var ttl = record.ExpiresAt - timeProvider.GetUtcNow();
        if (ttl <= TimeSpan.Zero)
        {
            return false;
        }

        var ttlMs = (long)Math.Ceiling(ttl.TotalMilliseconds);
        var expiresMs = record.ExpiresAt.ToUnixTimeMilliseconds();
        var digestHex = record.Digest.ToHex();
        var added = await RunAsync(db => db.ScriptEvaluateAsync(RedisScripts.Add,
            [_keys.Code(record.Digest), _keys.Id(record.Id)!.Value, _keys.Index(shard)],
            [
                record.Id, record.Route, record.User ?? "", FormatNetwork(record.Network),
                record.IssuedAt.ToUnixTimeMilliseconds(), expiresMs, record.IssuedBy, record.Reason ?? "", ttlMs,
                record.SessionLifetime is { } session ? (long)session.TotalMilliseconds : "",
                digestHex, timeProvider.GetUtcNow().ToUnixTimeMilliseconds(),
            ])).ConfigureAwait(false);
        return (int)added == 1;
    }

    public async ValueTask<ConsumeResult> ConsumeAsync(CodeDigest digest, CancellationToken cancellationToken)
    {
        var result = await RunAsync(db => db.ScriptEvaluateAsync(RedisScripts.Consume, [_keys.Code(digest)])).ConfigureAwait(false);
        return ToRecord(result, digest, out var state) is { } record ? new ConsumeResult(record, state) : ConsumeResult.NotFound;
    }

    public async ValueTask RestoreAsync(CodeDigest digest, CancellationToken cancellationToken) =>
        await RunAsync(db => db.ScriptEvaluateAsync(RedisScripts.Restore, [_keys.Code(digest)])).ConfigureAwait(false);

    public async ValueTask<LatchCodeRecord?> GetAsync(string id, CancellationToken cancellationToken) =>
        await RunAsync(async db =>
        {
            var (record, state) = await ReadByIdAsync(db, id).ConfigureAwait(false);
            return state == CodeState.Live && record is not null && !record.IsExpiredAt(timeProvider.GetUtcNow()) ? record : null;
        }).ConfigureAwait(false);

    /// <summary>
    /// Reads the live digests of every shard's index, then the codes (each step one pipelined batch over all shards,
    /// on every node of a Cluster), merges and pages them: the cursor is a position in the listing's order
    /// (<see cref="CodeCursor"/>), so any replica serves any page.
    /// </summary>
    public async ValueTask<CodePage?> ListAsync(LatchCodeQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Cursor is not null && !CodeCursor.TryParse(query.Cursor, out _))
        {
            return null;
        }

        return await RunAsync(async db =>
        {
            var now = timeProvider.GetUtcNow();
            var nowMs = now.ToUnixTimeMilliseconds();
            var shards = await Task.WhenAll(_keys.Indexes.Select(index =>
                db.SortedSetRangeByScoreAsync(index, nowMs, double.PositiveInfinity, Exclude.Start))).ConfigureAwait(false);
            var reads = new List<Task<(LatchCodeRecord?, CodeState)>>();
            foreach (var members in shards)
            {
                foreach (var member in members)
                {
                    if (CodeDigest.TryParseHex(member.ToString(), out var digest))
                    {
                        reads.Add(ReadAsync(db, digest));
                    }
                }
            }

            var live = new List<LatchCodeRecord>(reads.Count);
            foreach (var (record, state) in await Task.WhenAll(reads).ConfigureAwait(false))
            {
                if (record is not null && CodeListing.Includes(record, state, query.Route, query.User, now))
                {
                    live.Add(record);
                }
            }

            return CodeListing.Page(live, query);
        }).ConfigureAwait(false);
    }

    public async ValueTask<LatchCodeRecord?> RevokeAsync(string id, CancellationToken cancellationToken) =>
        await RunAsync(async db =>
        {
            if (await FindAsync(db, id).ConfigureAwait(false) is not { } digest)
            {
                return null;
            }

            var result = await db.ScriptEvaluateAsync(RedisScripts.Revoke, [_keys.Code(digest)]).ConfigureAwait(false);
            return ToRecord(result, digest, out _);
        }).ConfigureAwait(false);

    public async ValueTask<bool> IsAvailableAsync(CancellationToken cancellationToken)
    {
        try
        {
            await RunAsync(db => db.PingAsync()).ConfigureAwait(false);
            return true;
        }
        catch (LatchStoreUnavailableException)
        {
            return false;
        }
    }

    private async Task<(LatchCodeRecord? Record, CodeState State)> ReadByIdAsync(IDatabase db, string id) =>
        await FindAsync(db, id).ConfigureAwait(false) is { } digest ? await ReadAsync(db, digest).ConfigureAwait(false) : (null, CodeState.Live);

    /// <summary>The digest of the code with this id, or null.</summary>
    private async Task<CodeDigest?> FindAsync(IDatabase db, string id)
    {
        if (_keys.Id(id) is not { } key)
        {
            return null;
        }

        var digestHex = await db.StringGetAsync(key).ConfigureAwait(false);
        return !digestHex.IsNullOrEmpty && CodeDigest.TryParseHex(digestHex.ToString(), out var digest) ? digest : null;
    }

    private async Task<(LatchCodeRecord? Record, CodeState State)> ReadAsync(IDatabase db, CodeDigest digest)
    {
        var values = await db.HashGetAsync(_keys.Code(digest), FieldNames).ConfigureAwait(false);
        var record = ToRecord(values, digest, out var state);
        return (record, state);
    }

    private Task<T> RunAsync<T>(Func<IDatabase, Task<T>> operation) => connection.RunAsync(operation);

    /// <summary>What a consume's answer (the code's fields as they were) means; shared with the session store's consume-and-open.</summary>
    internal static ConsumeResult ToConsumeResult(RedisValue[] fields, CodeDigest digest) =>
        ToRecord(fields, digest, out var state) is { } record ? new ConsumeResult(record, state) : ConsumeResult.NotFound;

    private static LatchCodeRecord? ToRecord(RedisResult result, CodeDigest digest, out CodeState state)
    {
        state = CodeState.Live;
        return result.IsNull || result.Resp2Type != ResultType.Array ? null : ToRecord((RedisValue[])result!, digest, out state);
    }

    private static LatchCodeRecord? ToRecord(RedisValue[] values, CodeDigest digest, out CodeState state)
    {
        state = CodeState.Live;
        if (values.Length != RedisScripts.Fields.Length || values[0].IsNull)
        {
            return null;
        }

        state = values[0].ToString() switch
        {
            "live" => CodeState.Live,
            "revoked" => CodeState.Revoked,
            _ => CodeState.Consumed,
        };

        return new LatchCodeRecord(
            values[1].ToString(),
            digest,
            values[2].ToString(),
            NullIfEmpty(values[3]),
            ParseNetwork(values[4]),
            DateTimeOffset.FromUnixTimeMilliseconds((long)values[5]),
            DateTimeOffset.FromUnixTimeMilliseconds((long)values[6]),
            values[7].ToString(),
            NullIfEmpty(values[8]))
        {
            SessionLifetime = values[9].IsNullOrEmpty ? null : TimeSpan.FromMilliseconds((long)values[9]),
        };
    }

    private static string? NullIfEmpty(RedisValue value) => value.IsNullOrEmpty ? null : value.ToString();

    private static string FormatNetwork(IPNetwork? network) => network?.ToString() ?? "";

    private static IPNetwork? ParseNetwork(RedisValue value) =>
        !value.IsNullOrEmpty && IPNetwork.TryParse(value.ToString(), out var network) ? network : null;
}
