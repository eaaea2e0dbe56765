using StackExchange.Redis;

namespace LatchGateway.Access;

/// <summary>
/// Key layout of access requests, under <c>Latch:Store:KeyPrefix</c>. A request is one hash whose key is its own
/// hash tag, so every transition is one script over one key; the two indexes are single keys written by separate
/// commands. The layout works unchanged on Redis Cluster:
/// <list type="bullet">
/// <item><c>{prefix}:access:{id}</c> — hash: one request (fields in <see cref="RedisAccessHash"/>); expires
/// <c>Latch:Access:Retention</c> after its last deadline, refreshed on each transition.</item>
/// <item><c>{prefix}:access-index</c> — sorted set of ids scored by creation time (ms), for listing newest first;
/// ids whose hash has expired are pruned by the sweep.</item>
/// <item><c>{prefix}:access-due</c> — sorted set of the ids of open requests scored by their deadline (ms), for the
/// expiry sweep; an entry is removed once its request has ended.</item>
/// </list>
/// An index entry without its hash counts for nothing; both indexes live as long as their longest-lived request.
/// </summary>
internal sealed class RedisAccessKeys(string prefix)
{
    public RedisKey Created { get; } = $"{prefix}:access-index";

    public RedisKey Due { get; } = $"{prefix}:access-due";

    public RedisKey Request(string id) => $"{prefix}:access:{{{id}}}";
}
