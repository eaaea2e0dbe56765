using LatchGateway.Codes;
using StackExchange.Redis;

namespace LatchGateway.Store.Redis;

/// <summary>
/// Key layout. Each key carries its own hash tag (<c>{…}</c>), so every script touches one slot and the layout
/// works unchanged on Redis Cluster:
/// <list type="bullet">
/// <item><c>{prefix}:code:{digest}</c> — hash: state and metadata of one code; expires with the code.</item>
/// <item><c>{prefix}:id:{id}</c> — string: the digest of the code with that id; expires with the code.</item>
/// <item><c>{prefix}:index</c> — sorted set of live ids scored by expiry (ms); pruned on use, expires after its last code.</item>
/// </list>
/// </summary>
internal sealed class RedisKeys(string prefix)
{
    public RedisKey Index { get; } = $"{prefix}:index";

    public RedisKey Code(CodeDigest digest) => Code(digest.ToHex());

    public RedisKey Code(string digestHex) => $"{prefix}:code:{{{digestHex}}}";

    public RedisKey Id(string id) => $"{prefix}:id:{{{id}}}";
}
