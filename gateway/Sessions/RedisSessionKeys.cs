using LatchGateway.Codes;
using LatchGateway.Store.Redis;
using StackExchange.Redis;

namespace LatchGateway.Sessions;

/// <summary>
/// Key layout of unlock sessions, under <c>Latch:Store:KeyPrefix</c>, in the code shards' hash tags
/// (<see cref="RedisKeys.ShardTags"/>): a session's keys carry the tag of its token digest's shard, its id names that
/// shard in its first symbol (as a code id does), and the gateway draws a session's token and id in the shard of the
/// code that opens it — so a code and its session share one slot, and one script consumes the code and opens the
/// session, on a single node and on Redis Cluster alike.
/// <list type="bullet">
/// <item><c>{prefix}:session:{tag}:{digest}</c> — hash: one session (no token, only its digest in the key); expires a
/// grace after its end time, or after its idle timeout.</item>
/// <item><c>{prefix}:session-id:{tag}:{id}</c> — string: the token digest of the session with that id; expires with it.</item>
/// <item><c>{prefix}:session-index:{tag}</c> — sorted set of the sessions opened by the shard's codes, as
/// <c>{code id}:{token digest}</c>, scored by end time (ms); pruned on add. It lists the sessions (every shard's) and finds those of a code (its
/// shard's), so a code needs no key of its own that outlives it.</item>
/// </list>
/// </summary>
internal sealed class RedisSessionKeys
{
    private readonly string _prefix;
    private readonly RedisKey[] _indexes;

    public RedisSessionKeys(string prefix)
    {
        _prefix = prefix;
        _indexes = Array.ConvertAll(RedisKeys.ShardTags, tag => (RedisKey)$"{prefix}:session-index:{{{tag}}}");
    }

    /// <summary>The index of each shard, in shard order.</summary>
    public IReadOnlyList<RedisKey> Indexes => _indexes;

    /// <summary>The index of a code's shard, named by the code's digest (the sessions it opens are listed there).</summary>
    public RedisKey Index(CodeDigest codeDigest) => _indexes[CodeShard.Of(codeDigest)];

    public RedisKey Session(CodeDigest tokenDigest) =>
        $"{_prefix}:session:{{{RedisKeys.ShardTags[CodeShard.Of(tokenDigest)]}}}:{tokenDigest.ToHex()}";

    /// <summary>The id key of a session, or null when the id names no shard (then no session has it).</summary>
    public RedisKey? Id(string id) =>
        CodeShard.Of(id) is var shard and >= 0 ? $"{_prefix}:session-id:{{{RedisKeys.ShardTags[shard]}}}:{id}" : null;

    /// <summary>The index of the shard a code's id names, where the sessions it opened are; null when it names none.</summary>
    public RedisKey? IndexOf(string codeId) => CodeShard.Of(codeId) is var shard and >= 0 ? _indexes[shard] : (RedisKey?)null;

    /// <summary>A session's member of its shard's index: <c>{code id}:{token digest}</c>.</summary>
    public static string Member(string codeId, CodeDigest tokenDigest) => $"{codeId}:{tokenDigest.ToHex()}";

    /// <summary>The code id and token digest of an index member; false for anything else.</summary>
    public static bool TryParseMember(string member, out string codeId, out CodeDigest tokenDigest)
    {
        ArgumentNullException.ThrowIfNull(member);
        codeId = string.Empty;
        tokenDigest = default;
        var split = member.Length - (CodeDigest.Size * 2) - 1;
        if (split < 0 || member[split] != ':' || !CodeDigest.TryParseHex(member[(split + 1)..], out tokenDigest))
        {
            return false;
        }

        codeId = member[..split];
        return true;
    }
}
