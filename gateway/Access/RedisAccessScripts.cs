namespace LatchGateway.Access;

/// <summary>
/// The Lua scripts that make each transition of an access request atomic. Each touches exactly one key. Times are
/// ms since the epoch, passed in by the caller (scripts never read Redis's clock); a script only compares them, and
/// the one sum it makes (a key's TTL, a few days at most) is written with <c>%d</c>, so no time loses a digit.
/// A transition returns its outcome (<c>changed</c>, <c>wrong_state</c> or <c>already_approved</c>) followed by the
/// hash as <c>HGETALL</c> gives it after the step, or nothing when there is no request: the caller builds the new
/// version of the request from that one reply.
/// </summary>
internal static class RedisAccessScripts
{
    /// <summary>
    /// KEYS[1] request hash. ARGV[1] TTL (ms), then the hash's fields and values (see <see cref="RedisAccessHash"/>).
    /// 1 if added, 0 if the id exists.
    /// </summary>
    public const string Add = """
        if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
        redis.call('HSET', KEYS[1], unpack(ARGV, 2))
        redis.call('PEXPIRE', KEYS[1], ARGV[1])
        return 1
        """;

    /// <summary>
    /// KEYS[1] request hash. ARGV[1] the approval's time (ms), ARGV[2] approver, ARGV[3] '1' with a reason in ARGV[4]
    /// ('0' without), ARGV[5] the pickup deadline should this approval grant it (ms), ARGV[6] retention (ms).
    /// Refuses a request that is not pending or is past its deadline (wrong_state), then an approver already among
    /// its approvals (already_approved); otherwise appends the approval and, with enough of them, grants it with
    /// the pickup deadline. The key then expires the retention after its deadline.
    /// </summary>
    public const string Approve = Prelude + """
        local v = redis.call('HMGET', KEYS[1], 's', 'ea', 'n', 'na')
        if not v[1] then return false end
        local now = tonumber(ARGV[1])
        if v[1] ~= 'pending' or now >= tonumber(v[2]) then return reply('wrong_state') end
        local count = tonumber(v[4])
        for i = 1, count do
            if redis.call('HGET', KEYS[1], 'ab:' .. i) == ARGV[2] then return reply('already_approved') end
        end
        count = count + 1
        redis.call('HSET', KEYS[1], 'ab:' .. count, ARGV[2], 'at:' .. count, ARGV[1], 'na', tostring(count))
        if ARGV[3] == '1' then redis.call('HSET', KEYS[1], 'ar:' .. count, ARGV[4]) end
        local deadline = tonumber(v[2])
        if count >= tonumber(v[3]) then
            redis.call('HSET', KEYS[1], 's', 'granted', 'ea', ARGV[5])
            deadline = tonumber(ARGV[5])
        end
        keep(deadline - now + tonumber(ARGV[6]))
        return reply('changed')
        """;

    /// <summary>
    /// KEYS[1] request hash. ARGV[1] now (ms), ARGV[2] the state it must be in, ARGV[3] the state it ends in,
    /// ARGV[4] retention (ms), then fields and values to set with it (who decided, why, the code's id). Ends a request
    /// that is in ARGV[2] and before its deadline, noting its end time; the key then expires the retention after it.
    /// Deny, cancel and pickup are this script.
    /// </summary>
    public const string End = Prelude + """
        local v = redis.call('HMGET', KEYS[1], 's', 'ea')
        if not v[1] then return false end
        if v[1] ~= ARGV[2] or tonumber(ARGV[1]) >= tonumber(v[2]) then return reply('wrong_state') end
        redis.call('HSET', KEYS[1], 's', ARGV[3], 'en', ARGV[1], unpack(ARGV, 5))
        keep(tonumber(ARGV[4]))
        return reply('changed')
        """;

    /// <summary>
    /// KEYS[1] request hash. ARGV[1] now (ms), ARGV[2] retention (ms). Expires a pending or granted request whose
    /// deadline is past, noting its end time; of any number of concurrent calls exactly one sees 'changed'.
    /// </summary>
    public const string Expire = Prelude + """
        local v = redis.call('HMGET', KEYS[1], 's', 'ea')
        if not v[1] then return false end
        if (v[1] == 'pending' or v[1] == 'granted') and tonumber(ARGV[1]) >= tonumber(v[2]) then
            redis.call('HSET', KEYS[1], 's', 'expired', 'en', ARGV[1])
            keep(tonumber(ARGV[2]))
            return reply('changed')
        end
        return reply('wrong_state')
        """;

    /// <summary>
    /// KEYS[1] an index. ARGV[1] id, ARGV[2] score (ms), ARGV[3] TTL (ms), ARGV[4] '1' to add the id only if it is not
    /// there yet. Sets the id's score and keeps the index alive at least as long as that request.
    /// </summary>
    public const string Track = """
        if ARGV[4] == '1' then
            redis.call('ZADD', KEYS[1], 'NX', ARGV[2], ARGV[1])
        else
            redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
        end
        if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[3]) then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
        return 1
        """;

    /// <summary>
    /// What the transitions share: <c>reply</c> builds their answer, <c>keep</c> sets the key's TTL from a number of
    /// ms (at least 1: a request past its retention is gone).
    /// </summary>
    private const string Prelude = """
        local function reply(outcome)
            local all = redis.call('HGETALL', KEYS[1])
            table.insert(all, 1, outcome)
            return all
        end
        local function keep(ms)
            redis.call('PEXPIRE', KEYS[1], string.format('%d', math.max(1, ms)))
        end

        """;
}
