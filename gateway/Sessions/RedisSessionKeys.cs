using LatchGateway.Codes;
using StackExchange.Redis;

namespace LatchGateway.Sessions;

/// <summary>
/// Key layout of unlock sessions, under <c>Latch:Store:KeyPrefix</c>. Each key is its own hash tag (<c>{…}</c>) or
/// a single key, so every script touches one slot and the layout works unchanged on Redis Cluster:
/// <list type="bullet">
/// <item><c>{prefix}:session:{digest}</c> — hash: one session (no token, only its digest in the key); expires a
/// grace after its end time, or after its idle timeout.</item>
/// <item><c>{prefix}:session-id:{id}</c> — string: the token digest of the session with that id; expires with it.</item>
/// <item><c>{prefix}:code-sessions:{code id}</c> — set of the token digests a code opened; outlives its longest session.</item>
/// <item><c>{prefix}:session-index</c> — sorted set of token digests scored by end time (ms); pruned on add.</item>
/// </list>
/// </summary>
internal sealed class RedisSessionKeys(string prefix)
{
    public RedisKey Index { get; } = $"{prefix}:session-index";

    public RedisKey Session(CodeDigest tokenDigest) => Session(tokenDigest.ToHex());

    public RedisKey Session(string digestHex) => $"{prefix}:session:{{{digestHex}}}";

    public RedisKey Id(string id) => $"{prefix}:session-id:{{{id}}}";

    public RedisKey OpenedBy(string codeId) => $"{prefix}:code-sessions:{{{codeId}}}";
}
