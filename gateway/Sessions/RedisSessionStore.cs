using System.Net;
using LatchGateway.Codes;
using LatchGateway.Store;
using LatchGateway.Store.Redis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace LatchGateway.Sessions;

/// <summary>
/// Sessions in Redis, shared by every replica (key layout in <see cref="RedisSessionKeys"/>). A session's state is
/// its one hash, and each change to it (open, use, end) is one Lua script on one slot, so it ends once, for every
/// replica at once; opening also consumes the code, in the same script (<see cref="ConsumeAndOpenAsync"/>). The id
/// pointer and the shard's index are kept beside it for lookups and are tidied after an end; a stale entry in them
/// finds no hash and counts for nothing. Redis holds only token digests; times are
/// kept to the millisecond. Any Redis failure surfaces as <see cref="Contracts.LatchStoreUnavailableException"/>.
/// </summary>
/// <remarks>
/// Idle tracking: a request writes the session's last use only when the one noted is older than a quarter of the
/// idle timeout, so most requests cost a read and no write; the idle end then comes after between 0.75 and 1 times
/// the idle timeout without a request — never later than configured.
/// </remarks>
internal sealed class RedisSessionStore(RedisConnection connection, IOptions<LatchStoreOptions> options, TimeProvider timeProvider)
    : ISessionStore, ISessionOpeningStore
{
    /// <summary>How long a session's key outlives its end, so that a request just after it is told why it ended.</summary>
    public static readonly TimeSpan EndGrace = TimeSpan.FromSeconds(30);

    private readonly RedisSessionKeys _keys = new(options.Value.KeyPrefix);
    private readonly RedisKeys _codeKeys = new(options.Value.KeyPrefix);

    public async ValueTask<bool> TryAddAsync(LatchSession session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        var now = timeProvider.GetUtcNow();
        var hex = session.TokenDigest.ToHex();
        var endsIn = KeyTtl(session.ExpiresAt, now);
        var idleAt = session.IdleTimeout is { } idle && session.OpenedAt + idle < session.ExpiresAt ? session.OpenedAt + idle : session.ExpiresAt;
        var expiresMs = session.ExpiresAt.ToUnixTimeMilliseconds();
        var openedMs = session.OpenedAt.ToUnixTimeMilliseconds();
        return await connection.RunAsync(async db =>
        {
            // The id is claimed first: a session is never found by its token without its id being its own.
            if (_keys.Id(session.Id) is not { } id || _keys.IndexOf(session.CodeId) is not { } index)
            {
                throw new ArgumentException("A session's id and its code's id must each name a shard.", nameof(session));
            }

            if (!await db.StringSetAsync(id, hex, TimeSpan.FromMilliseconds(endsIn), When.NotExists).ConfigureAwait(false))
            {
                return false;
            }

            var added = (int)await db.ScriptEvaluateAsync(RedisSessionScripts.Add, [_keys.Session(session.TokenDigest)],
            [
                session.Id, session.CodeId, session.Route, session.User ?? "", session.Network.ToString(),
                openedMs, expiresMs, (long)(session.IdleTimeout?.TotalMilliseconds ?? 0), openedMs, KeyTtl(idleAt, now),
            ]).ConfigureAwait(false);
            if (added == 0)
            {
                await db.KeyDeleteAsync(id).ConfigureAwait(false);
                return false;
            }

            await db.ScriptEvaluateAsync(
                RedisScripts.Index,
                [index],
                [RedisSessionKeys.Member(session.CodeId, session.TokenDigest), expiresMs, now.ToUnixTimeMilliseconds(), endsIn]).ConfigureAwait(false);
            return true;
        }).ConfigureAwait(false);
    }

    public async ValueTask<(ConsumeResult Consumed, LatchSession? Opened)> ConsumeAndOpenAsync(
        CodeDigest codeDigest, SessionDraft draft, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(draft);
        if (CodeShard.Of(draft.TokenDigest) != CodeShard.Of(codeDigest) || _keys.Id(draft.Id) is not { } id || CodeShard.Of(draft.Id) != CodeShard.Of(codeDigest))
        {
            throw new ArgumentException("A session's token and id must be drawn in the shard of the code that opens it.", nameof(draft));
        }

        var hex = draft.TokenDigest.ToHex();
        var result = await connection.RunAsync(db => db.ScriptEvaluateAsync(
            RedisSessionScripts.ConsumeAndOpen,
            [_codeKeys.Code(codeDigest), _keys.Session(draft.TokenDigest), id, _keys.Index(codeDigest)],
            [
                draft.Now.ToUnixTimeMilliseconds(), draft.Route.RouteId, draft.Presenter ?? "", draft.PresenterHost.ToString(), draft.Id, hex,
                (long)draft.Route.Lifetime.TotalMilliseconds, (long)(draft.Route.IdleTimeout?.TotalMilliseconds ?? 0), (long)EndGrace.TotalMilliseconds,
            ])).ConfigureAwait(false);
        if (result.IsNull || result.Resp2Type != ResultType.Array)
        {
            return (ConsumeResult.NotFound, null);
        }

        var values = (RedisValue[])result!;
        var consumed = RedisLatchStore.ToConsumeResult(values[..RedisScripts.Fields.Length], codeDigest);
        return (consumed, (int)values[RedisScripts.Fields.Length] == 1 && consumed.Record is { } code ? draft.For(code) : null);
    }

    public async ValueTask<bool> DiscardAsync(LatchSession session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (_keys.Id(session.Id) is not { } id || _keys.IndexOf(session.CodeId) is not { } index)
        {
            return false;
        }

        var found = await connection.RunAsync(db => db.ScriptEvaluateAsync(
            RedisSessionScripts.Discard,
            [_keys.Session(session.TokenDigest), id, index],
            [RedisSessionKeys.Member(session.CodeId, session.TokenDigest)])).ConfigureAwait(false);
        return (int)found == 1;
    }

    public async ValueTask<SessionLookup> UseAsync(CodeDigest tokenDigest, DateTimeOffset now, CancellationToken cancellationToken) =>
        await connection.RunAsync(async db =>
        {
            var result = await db.ScriptEvaluateAsync(RedisSessionScripts.Use, [_keys.Session(tokenDigest)],
                [now.ToUnixTimeMilliseconds(), (long)EndGrace.TotalMilliseconds]).ConfigureAwait(false);
            if (result.IsNull || result.Resp2Type != ResultType.Array)
            {
                return SessionLookup.Unknown;
            }

            var values = (RedisValue[])result!;
            var state = values[0].ToString() switch
            {
                "open" => SessionState.Open,
                "expired" => SessionState.Expired,
                _ => SessionState.Idle,
            };
            var session = ToSession(values.AsSpan(1), tokenDigest);
            if (state != SessionState.Open)
            {
                Forget(db, session);
            }

            return new SessionLookup(state, session);
        }).ConfigureAwait(false);

    public async ValueTask<IReadOnlyList<LatchSession>> ListAsync(string? route, string? user, CancellationToken cancellationToken) =>
        await connection.RunAsync<IReadOnlyList<LatchSession>>(async db =>
        {
            // Every shard's index, then the sessions: each step one pipelined batch, on every node of a Cluster.
            var now = timeProvider.GetUtcNow();
            var shards = await Task.WhenAll(_keys.Indexes.Select(index =>
                db.SortedSetRangeByScoreAsync(index, now.ToUnixTimeMilliseconds(), double.PositiveInfinity, Exclude.Start))).ConfigureAwait(false);
            var fields = Array.ConvertAll(RedisSessionScripts.Fields, static f => (RedisValue)f);
            var digests = new List<CodeDigest>();
            var reads = new List<Task<RedisValue[]>>();
            foreach (var member in shards.SelectMany(static members => members))
            {
                if (RedisSessionKeys.TryParseMember(member.ToString(), out _, out var digest))
                {
                    digests.Add(digest);
                    reads.Add(db.HashGetAsync(_keys.Session(digest), fields));
                }
            }

            var values = await Task.WhenAll(reads).ConfigureAwait(false);
            var open = new List<LatchSession>();
            for (var i = 0; i < values.Length; i++)
            {
                if (values[i][0].IsNull || !IsOpenAt(values[i], now))
                {
                    continue;
                }

                var session = ToSession(values[i], digests[i]);
                if ((route is null || string.Equals(session.Route, route, StringComparison.Ordinal))
                    && (user is null || string.Equals(session.User, user, StringComparison.Ordinal)))
                {
                    open.Add(session);
                }
            }

            open.Sort(static (x, y) => y.OpenedAt.CompareTo(x.OpenedAt));
            return open;
        }).ConfigureAwait(false);

    public async ValueTask<LatchSession?> EndAsync(string id, CancellationToken cancellationToken) =>
        await connection.RunAsync(async db =>
        {
            if (_keys.Id(id) is not { } key)
            {
                return null;
            }

            var hex = await db.StringGetAsync(key).ConfigureAwait(false);
            return !hex.IsNullOrEmpty && CodeDigest.TryParseHex(hex.ToString(), out var digest)
                ? await EndAsync(db, digest, onlyIfOpen: true).ConfigureAwait(false)
                : null;
        }).ConfigureAwait(false);

    public async ValueTask<IReadOnlyList<LatchSession>> EndOpenedByAsync(string codeId, CancellationToken cancellationToken) =>
        await connection.RunAsync<IReadOnlyList<LatchSession>>(async db =>
        {
            // Like the memory store, a code's revocation ends its sessions whether or not a request saw them end. They
            // are listed in the index of the code's shard, under its id.
            var ends = new List<Task<LatchSession?>>();
            if (_keys.IndexOf(codeId) is not { } index)
            {
                return [];
            }

            foreach (var member in await db.SortedSetRangeByRankAsync(index).ConfigureAwait(false))
            {
                if (RedisSessionKeys.TryParseMember(member.ToString(), out var owner, out var digest) && string.Equals(owner, codeId, StringComparison.Ordinal))
                {
                    ends.Add(EndAsync(db, digest, onlyIfOpen: false));
                }
            }

            var ended = new List<LatchSession>();
            foreach (var session in await Task.WhenAll(ends).ConfigureAwait(false))
            {
                if (session is not null && session.IsOpenedBy(codeId))
                {
                    ended.Add(session);
                }
            }

            return ended;
        }).ConfigureAwait(false);

    /// <summary>Ends one session; it only if this call deleted it.</summary>
    private async Task<LatchSession?> EndAsync(IDatabase db, CodeDigest digest, bool onlyIfOpen)
    {
        var result = await db.ScriptEvaluateAsync(RedisSessionScripts.End, [_keys.Session(digest)],
            [timeProvider.GetUtcNow().ToUnixTimeMilliseconds(), onlyIfOpen ? "1" : "0"]).ConfigureAwait(false);
        if (result.IsNull || result.Resp2Type != ResultType.Array)
        {
            return null;
        }

        var session = ToSession((RedisValue[])result!, digest);
        Forget(db, session);
        return session;
    }

    /// <summary>
    /// Tidies the keys beside a session this replica just ended, without waiting: the end itself is done, and
    /// what is not tidied now expires with the session.
    /// </summary>
    private void Forget(IDatabase db, LatchSession session)
    {
        try
        {
            if (_keys.Id(session.Id) is { } id)
            {
                _ = db.KeyDeleteAsync(id, CommandFlags.FireAndForget);
            }

            if (_keys.IndexOf(session.CodeId) is { } index)
            {
                _ = db.SortedSetRemoveAsync(index, RedisSessionKeys.Member(session.CodeId, session.TokenDigest), CommandFlags.FireAndForget);
            }
        }
        catch (RedisException)
        {
            // Redis went away just after the end: the stale entries find no session and expire on their own.
        }
    }

    private static long KeyTtl(DateTimeOffset until, DateTimeOffset now) =>
        (long)Math.Ceiling((Max(until - now, TimeSpan.Zero) + EndGrace).TotalMilliseconds);

    private static TimeSpan Max(TimeSpan x, TimeSpan y) => x > y ? x : y;

    private static bool IsOpenAt(RedisValue[] values, DateTimeOffset now)
    {
        var nowMs = now.ToUnixTimeMilliseconds();
        var idleMs = (long)values[7];
        return nowMs < (long)values[6] && (idleMs == 0 || nowMs - (long)values[8] < idleMs);
    }

    private static LatchSession ToSession(ReadOnlySpan<RedisValue> values, CodeDigest digest)
    {
        var idleMs = (long)values[7];
        return new LatchSession(
            values[0].ToString(),
            digest,
            values[1].ToString(),
            values[2].ToString(),
            values[3].IsNullOrEmpty ? null : values[3].ToString(),
            IPNetwork.Parse(values[4].ToString()),
            DateTimeOffset.FromUnixTimeMilliseconds((long)values[5]),
            DateTimeOffset.FromUnixTimeMilliseconds((long)values[6]),
            idleMs == 0 ? null : TimeSpan.FromMilliseconds(idleMs));
    }
}
