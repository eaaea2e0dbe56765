namespace LatchGateway.Store.Redis;

/// <summary>The Lua scripts that make each state change atomic. Each touches the keys of one slot only.</summary>
internal static class RedisScripts
{
    /// <summary>Field order of a code hash as the scripts return it.</summary>
    public static readonly string[] Fields = ["s", "id", "r", "u", "ip", "ia", "ea", "by", "why", "ss"];

    /// <summary>
    /// Issues a code in one round trip. KEYS[1] code hash, KEYS[2] id key, KEYS[3] the shard's index — one slot.
    /// ARGV: fields (as <see cref="Fields"/> from "id" to "why"), the TTL in ms, "ss", the digest (hex), now (ms).
    /// 1 if added; 0, writing nothing, if the digest or the id exists. The index holds the shard's digests scored by
    /// expiry; expired ones are dropped, and the index lives as long as its longest-lived code.
    /// </summary>
    public const string Add = """
        if redis.call('EXISTS', KEYS[1]) == 1 or redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
        redis.call('HSET', KEYS[1], 's', 'live', 'id', ARGV[1], 'r', ARGV[2], 'u', ARGV[3], 'ip', ARGV[4],
            'ia', ARGV[5], 'ea', ARGV[6], 'by', ARGV[7], 'why', ARGV[8], 'ss', ARGV[10])
        redis.call('PEXPIRE', KEYS[1], ARGV[9])
        redis.call('SET', KEYS[2], ARGV[11], 'PX', ARGV[9])
        redis.call('ZADD', KEYS[3], ARGV[6], ARGV[11])
        redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', ARGV[12])
        if redis.call('PTTL', KEYS[3]) < tonumber(ARGV[9]) then redis.call('PEXPIRE', KEYS[3], ARGV[9]) end
        return 1
        """;

    /// <summary>
    /// KEYS[1] code hash. Returns the fields as they were and, if the code was live, leaves it consumed: of any
    /// number of concurrent calls, exactly one sees 'live'. The key keeps its expiry.
    /// </summary>
    public const string Consume = """
        local v = redis.call('HMGET', KEYS[1], 's', 'id', 'r', 'u', 'ip', 'ia', 'ea', 'by', 'why', 'ss')
        if not v[1] then return false end
        if v[1] == 'live' then redis.call('HSET', KEYS[1], 's', 'consumed') end
        return v
        """;

    /// <summary>
    /// KEYS[1] code hash. Puts a consumed code back to live — or to revoked when a revocation was asked for while it
    /// was consumed, so that no revocation is lost to a restore; keeps its expiry.
    /// </summary>
    public const string Restore = """
        if redis.call('HGET', KEYS[1], 's') ~= 'consumed' then return 0 end
        if redis.call('HEXISTS', KEYS[1], 'rv') == 1 then redis.call('HSET', KEYS[1], 's', 'revoked') return 0 end
        redis.call('HSET', KEYS[1], 's', 'live')
        return 1
        """;

    /// <summary>
    /// KEYS[1] code hash. Revokes a live code and returns its fields; nothing otherwise. The request is noted on the
    /// code either way ('rv'), so a code consumed at this moment and then restored (its presenter was locked out)
    /// comes back revoked.
    /// </summary>
    public const string Revoke = """
        local v = redis.call('HMGET', KEYS[1], 's', 'id', 'r', 'u', 'ip', 'ia', 'ea', 'by', 'why', 'ss')
        if v[1] == 'consumed' then redis.call('HSET', KEYS[1], 'rv', '1') end
        if v[1] ~= 'live' then return false end
        redis.call('HSET', KEYS[1], 's', 'revoked')
        return v
        """;

    /// <summary>
    /// KEYS[1] index. ARGV[1] member (a code id, a session's token digest), ARGV[2] its expiry (ms since epoch),
    /// ARGV[3] now (ms), ARGV[4] TTL (ms). Adds the member, drops expired ones, and keeps the index alive as long as
    /// its longest-lived member. Shared by the code and session stores.
    /// </summary>
    public const string Index = """
        redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[3])
        if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[4]) then redis.call('PEXPIRE', KEYS[1], ARGV[4]) end
        return 1
        """;
}
