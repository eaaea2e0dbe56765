using LatchGateway.Configuration;
using LatchGateway.Contracts;
using LatchGateway.Store;
using LatchGateway.Store.Redis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace LatchGateway.Access;

/// <summary>
/// Access requests in Redis, shared by every replica (key layout in <see cref="RedisAccessKeys"/>, fields in
/// <see cref="RedisAccessHash"/>). A request is one hash, and each transition is one single-key Lua script
/// (<see cref="RedisAccessScripts"/>) that checks its state and deadline at the <c>now</c> it is given and answers
/// with the hash as it left it, so of concurrent transitions on any replicas each is applied once or refused, and
/// the request returned is the one the step produced. The two indexes beside it (by creation, by deadline) are
/// written by separate commands; an entry without its hash counts for nothing. Any Redis failure surfaces as
/// <see cref="LatchStoreUnavailableException"/>.
/// </summary>
/// <remarks>
/// Approvals are numbered fields of the hash rather than a JSON list, so a script appends one with <c>HSET</c> and
/// never encodes a table with <c>cjson</c> (which writes an empty list as <c>{}</c> and numbers with 14 digits);
/// times are integer milliseconds kept as decimal strings. A key expires <c>Latch:Access:Retention</c> after its last
/// deadline (its end, once it has ended), the TTL set again by each transition; the indexes live as long as their
/// longest-lived request. Listing pages through the creation index by rank: a request pruned from it during a
/// listing may shift the page boundary by one.
/// </remarks>
internal sealed class RedisAccessRequestStore(
    RedisConnection connection, IOptions<LatchStoreOptions> storeOptions, LiveOptions<LatchAccessOptions> options) : IAccessRequestStore
{
    /// <summary>How many ids a listing reads, and a sweep expires, in one round of pipelined commands.</summary>
    internal const int Chunk = 128;

    /// <summary>The most rounds one sweep makes; what is left waits for the next sweep.</summary>
    private const int MaxSweepRounds = 64;

    private readonly RedisAccessKeys _keys = new(storeOptions.Value.KeyPrefix);

    public async ValueTask<bool> TryAddAsync(AccessRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var ttl = KeyTtl(request, request.CreatedAt);
        var fields = RedisAccessHash.Write(request);
        return await connection.RunAsync(async db =>
        {
            // The index entries first (added only if absent, so a clash of ids changes nothing): a request is never
            // stored without them, and entries left by an add that failed find no hash.
            await Task.WhenAll(
                Track(db, _keys.Created, request.Id, request.CreatedAt, ttl, onlyIfNew: true),
                request.IsOpen ? Track(db, _keys.Due, request.Id, request.ExpiresAt, ttl, onlyIfNew: true) : Task.CompletedTask).ConfigureAwait(false);
            var added = await db.ScriptEvaluateAsync(RedisAccessScripts.Add, [_keys.Request(request.Id)], [ttl, .. fields]).ConfigureAwait(false);
            return (int)added == 1;
        }).ConfigureAwait(false);
    }

    public async ValueTask<AccessRequest?> GetAsync(string id, CancellationToken cancellationToken) =>
        RedisAccessHash.Read(await connection.RunAsync(db => db.HashGetAllAsync(_keys.Request(id))).ConfigureAwait(false));

    public async ValueTask<IReadOnlyList<AccessRequest>> ListAsync(Func<AccessRequest, bool> filter, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return await connection.RunAsync<IReadOnlyList<AccessRequest>>(async db =>
        {
            var found = new List<AccessRequest>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (long start = 0; found.Count < limit; start += Chunk)
            {
                // Newest first: by creation time descending, then by id descending (members of equal score are in
                // ordinal order), as the memory store sorts them.
                var ids = await db.SortedSetRangeByRankAsync(_keys.Created, start, start + Chunk - 1, Order.Descending).ConfigureAwait(false);
                var hashes = await Task.WhenAll(ids.Select(id => db.HashGetAllAsync(_keys.Request(id.ToString())))).ConfigureAwait(false);
                for (var i = 0; i < ids.Length && found.Count < limit; i++)
                {
                    // An id without its hash is left to the sweep: it may be a request being added right now.
                    if (RedisAccessHash.Read(hashes[i]) is { } request && seen.Add(request.Id) && filter(request))
                    {
                        found.Add(request);
                    }
                }

                if (ids.Length < Chunk)
                {
                    break;
                }
            }

            return found;
        }).ConfigureAwait(false);
    }

    public ValueTask<AccessChange> ApproveAsync(string id, AccessApproval approval, TimeSpan pickupWindow, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(approval);
        return ChangeAsync(id, RedisAccessScripts.Approve, approval.At,
        [
            RedisAccessHash.Ms(approval.At), approval.By, approval.Reason is null ? "0" : "1", approval.Reason ?? "",
            RedisAccessHash.Ms(approval.At + pickupWindow), RetentionMs(),
        ]);
    }

    public ValueTask<AccessChange> DenyAsync(string id, string by, string reason, DateTimeOffset now, CancellationToken cancellationToken) =>
        EndAsync(id, now, AccessRequestState.Pending, AccessRequestState.Denied, ["db", by, "dr", reason]);

    public ValueTask<AccessChange> CancelAsync(string id, string by, DateTimeOffset now, CancellationToken cancellationToken) =>
        EndAsync(id, now, AccessRequestState.Pending, AccessRequestState.Cancelled, ["db", by]);

    public ValueTask<AccessChange> IssueAsync(string id, string codeId, DateTimeOffset now, CancellationToken cancellationToken) =>
        EndAsync(id, now, AccessRequestState.Granted, AccessRequestState.Issued, ["c", codeId]);

    public async ValueTask<IReadOnlyList<AccessRequest>> ExpireDueAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var expired = new List<AccessRequest>();
        try
        {
            for (var round = 0; round < MaxSweepRounds; round++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (!await connection.RunAsync(db => ExpireSomeAsync(db, now, expired)).ConfigureAwait(false))
                {
                    break;
                }
            }

            await connection.RunAsync(db => PruneAsync(db, now)).ConfigureAwait(false);
        }
        catch (LatchStoreUnavailableException) when (expired.Count > 0)
        {
            // Those this sweep has expired are reported, or nobody would; the rest waits for the next sweep.
        }

        return expired;
    }

    /// <summary>
    /// Runs the expire script on up to <see cref="Chunk"/> ids due at <paramref name="now"/>, adding to
    /// <paramref name="expired"/> those it expired, then takes every id it saw out of the deadline index, or puts it
    /// back under its true deadline if its request is open and not due (granted since it was indexed). True when
    /// there may be more.
    /// </summary>
    private async Task<bool> ExpireSomeAsync(IDatabase db, DateTimeOffset now, List<AccessRequest> expired)
    {
        var nowMs = RedisAccessHash.Ms(now);
        var retention = RetentionMs();
        var due = await db.SortedSetRangeByScoreAsync(_keys.Due, double.NegativeInfinity, nowMs, take: Chunk).ConfigureAwait(false);
        var results = await Task.WhenAll(due.Select(id => db.ScriptEvaluateAsync(RedisAccessScripts.Expire, [_keys.Request(id.ToString())], [nowMs, retention])))
            .ConfigureAwait(false);
        var done = new List<RedisValue>();
        var tidying = new List<Task>();
        for (var i = 0; i < due.Length; i++)
        {
            var (outcome, request) = Read(results[i]);
            if (outcome == AccessChangeOutcome.Changed)
            {
                expired.Add(request!);
                tidying.Add(Track(db, _keys.Created, request!.Id, request.CreatedAt, KeyTtl(request, now), onlyIfNew: false));
            }

            if (request is { IsOpen: true })
            {
                tidying.Add(Track(db, _keys.Due, request.Id, request.ExpiresAt, KeyTtl(request, now), onlyIfNew: false));
            }
            else
            {
                done.Add(due[i]);
            }
        }

        if (done.Count > 0)
        {
            tidying.Add(db.SortedSetRemoveAsync(_keys.Due, [.. done]));
        }

        await Task.WhenAll(tidying).ConfigureAwait(false);
        return due.Length == Chunk;
    }

    /// <summary>
    /// Drops from the creation index the ids whose hash has expired. Only ids created a retention ago or earlier can
    /// be gone (a key outlives its creation by at least the retention), so only those are looked at; a younger id
    /// without a hash may be a request being added, whose index entries are written first.
    /// </summary>
    private async Task<bool> PruneAsync(IDatabase db, DateTimeOffset now)
    {
        var before = RedisAccessHash.Ms(now) - RetentionMs();
        for (var (skip, round) = (0, 0); round < MaxSweepRounds; round++)
        {
            var old = await db.SortedSetRangeByScoreAsync(_keys.Created, double.NegativeInfinity, before, skip: skip, take: Chunk).ConfigureAwait(false);
            var exists = await Task.WhenAll(old.Select(id => db.KeyExistsAsync(_keys.Request(id.ToString())))).ConfigureAwait(false);
            var gone = old.Where((_, i) => !exists[i]).ToArray();
            if (gone.Length > 0)
            {
                await db.SortedSetRemoveAsync(_keys.Created, gone).ConfigureAwait(false);
            }

            skip += old.Length - gone.Length;
            if (old.Length < Chunk)
            {
                break;
            }
        }

        return true;
    }

    private ValueTask<AccessChange> EndAsync(string id, DateTimeOffset now, AccessRequestState from, AccessRequestState to, RedisValue[] fields) =>
        ChangeAsync(id, RedisAccessScripts.End, now,
            [RedisAccessHash.Ms(now), RedisAccessHash.State(from), RedisAccessHash.State(to), RetentionMs(), .. fields]);

    /// <summary>Runs one transition script; after a change, brings the indexes in line without waiting (see <see cref="Reindex"/>).</summary>
    private async ValueTask<AccessChange> ChangeAsync(string id, string script, DateTimeOffset now, RedisValue[] arguments)
    {
        var (outcome, request) = await connection.RunAsync(async db =>
        {
            var change = Read(await db.ScriptEvaluateAsync(script, [_keys.Request(id)], arguments).ConfigureAwait(false));
            if (change.Outcome == AccessChangeOutcome.Changed)
            {
                Reindex(db, change.Request!, now);
            }

            return change;
        }).ConfigureAwait(false);
        return new AccessChange(outcome, request);
    }

    /// <summary>
    /// After a transition: an open request is indexed under its deadline (changed by a grant), an ended one leaves
    /// the deadline index, and the creation index lives as long as it. Sent without waiting, since the transition is
    /// done: a lost update leaves an entry that the sweep checks against the hash and corrects.
    /// </summary>
    private void Reindex(IDatabase db, AccessRequest request, DateTimeOffset now)
    {
        var ttl = KeyTtl(request, now);
        Tidy(() => Track(db, _keys.Created, request.Id, request.CreatedAt, ttl, onlyIfNew: false, CommandFlags.FireAndForget));
        Tidy(() => request.IsOpen
            ? Track(db, _keys.Due, request.Id, request.ExpiresAt, ttl, onlyIfNew: false, CommandFlags.FireAndForget)
            : db.SortedSetRemoveAsync(_keys.Due, request.Id, CommandFlags.FireAndForget));
    }

    /// <summary>Sends a fire-and-forget command that keeps an index tidy; if Redis has just gone away, the sweep or its TTL tidies it later.</summary>
    private static void Tidy(Func<Task> send)
    {
        try
        {
            _ = send();
        }
        catch (RedisException)
        {
        }
    }

    private static Task<RedisResult> Track(
        IDatabase db, RedisKey index, string id, DateTimeOffset score, long ttl, bool onlyIfNew, CommandFlags flags = CommandFlags.None) =>
        db.ScriptEvaluateAsync(RedisAccessScripts.Track, [index], [id, RedisAccessHash.Ms(score), ttl, onlyIfNew ? "1" : "0"], flags);

    /// <summary>A script's reply: its outcome and the request as it left it; <see cref="AccessChange.NotFound"/> for nothing.</summary>
    private static (AccessChangeOutcome Outcome, AccessRequest? Request) Read(RedisResult result)
    {
        if (result.IsNull || result.Resp2Type != ResultType.Array)
        {
            return (AccessChangeOutcome.NotFound, null);
        }

        var values = (RedisValue[])result!;
        var outcome = values[0].ToString() switch
        {
            "changed" => AccessChangeOutcome.Changed,
            "already_approved" => AccessChangeOutcome.AlreadyApproved,
            _ => AccessChangeOutcome.WrongState,
        };
        return RedisAccessHash.Read(values.AsSpan(1)) is { } request ? (outcome, request) : (AccessChangeOutcome.NotFound, null);
    }

    /// <summary>How long the request's key is kept from <paramref name="now"/>: until its deadline while open, then from its end, plus the retention.</summary>
    private long KeyTtl(AccessRequest request, DateTimeOffset now)
    {
        var last = request.IsOpen ? request.ExpiresAt : request.EndedAt ?? now;
        var ttl = (last > now ? last - now : TimeSpan.Zero) + options.Current.Retention;
        return Math.Max(1, (long)Math.Ceiling(ttl.TotalMilliseconds));
    }

    private long RetentionMs() => RedisAccessHash.Ms(options.Current.Retention);
}
