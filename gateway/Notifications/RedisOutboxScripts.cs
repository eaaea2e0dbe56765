namespace LatchGateway.Notifications;

/// <summary>The Lua script that makes a claim atomic. It touches one key; times are ms since the epoch, passed in by the caller.</summary>
internal static class RedisOutboxScripts
{
    /// <summary>
    /// KEYS[1] the due set. ARGV[1] now, ARGV[2] the end of the lease, ARGV[3] how many at most. Takes the ids due at
    /// now, earliest first, and moves each to the end of the lease in the same step: of any number of concurrent
    /// claims, one gets each id, and no other until the lease ends or the entry is rescheduled or completed.
    /// </summary>
    public const string Claim = """
        local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
        for _, id in ipairs(ids) do
            redis.call('ZADD', KEYS[1], 'XX', ARGV[2], id)
        end
        return ids
        """;
}
