using LatchGateway.Codes;
using StackExchange.Redis;

namespace LatchGateway.Store.Redis;

/// <summary>
/// Key layout. Codes are spread over <see cref="CodeShard.Count"/> shards (a code's shard is drawn from its digest
/// and named by the first symbol of its id), and every key of a shard carries the shard's hash tag (<c>{…}</c>): the
/// script that issues a code writes its hash, its id and its shard's index in one slot, on a single node and on
/// Redis Cluster alike, and no key is written by every issue.
/// <list type="bullet">
/// <item><c>{prefix}:code:{tag}:{digest}</c> — hash: state and metadata of one code; expires with the code.</item>
/// <item><c>{prefix}:id:{tag}:{id}</c> — string: the digest of the code with that id; expires with the code.</item>
/// <item><c>{prefix}:index:{tag}</c> — sorted set of the shard's code digests scored by expiry (ms); pruned on
/// issue, expires after its last code.</item>
/// </list>
/// </summary>
internal sealed class RedisKeys
{
    /// <summary>
    /// The shards' hash tags: tag <c>k</c> hashes into Cluster slots [512·k, 512·k + 512) of the 16384, so the shards
    /// spread evenly over any Cluster whose masters own equal ranges of slots (a test checks each tag's slot).
    /// </summary>
    internal static readonly string[] ShardTags =
    [
        "s0.112", "s1.31", "s2.70", "s3.1", "s4.10", "s5.22", "s6.3", "s7.51",
        "s8.33", "s9.173", "s10.61", "s11.53", "s12.63", "s13.51", "s14.72", "s15.40",
        "s16.73", "s17.41", "s18.53", "s19.61", "s20.73", "s21.41", "s22.171", "s23.32",
        "s24.61", "s25.53", "s26.12", "s27.20", "s28.43", "s29.0", "s30.23", "s31.11",
    ];

    private readonly RedisKey[] _indexes;
    private readonly string _prefix;

    public RedisKeys(string prefix)
    {
        _prefix = prefix;
        _indexes = Array.ConvertAll(ShardTags, tag => (RedisKey)$"{prefix}:index:{{{tag}}}");
    }

    /// <summary>The index of each shard, in shard order.</summary>
    public IReadOnlyList<RedisKey> Indexes => _indexes;

    public RedisKey Index(int shard) => _indexes[shard];

    public RedisKey Code(CodeDigest digest) => $"{_prefix}:code:{{{ShardTags[CodeShard.Of(digest)]}}}:{digest.ToHex()}";

    /// <summary>The id key of a code, or null when the id names no shard (then no code has it).</summary>
    public RedisKey? Id(string id) =>
        CodeShard.Of(id) is var shard and >= 0 ? $"{_prefix}:id:{{{ShardTags[shard]}}}:{id}" : null;
}
