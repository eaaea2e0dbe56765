namespace LatchGateway.Sessions;

/// <summary>
/// The Lua scripts that make each change of a session atomic. Each touches the keys of one slot; times are ms since
/// the epoch, passed in by the caller (scripts never read Redis's clock).
/// </summary>
internal static class RedisSessionScripts
{
    /// <summary>
    /// Field order of a session hash as the scripts return it: id, code id, route, user ("" for none), network,
    /// opened at, expires at, idle timeout (ms, 0 for none), last use.
    /// </summary>
    public static readonly string[] Fields = ["id", "c", "r", "u", "ip", "oa", "ea", "il", "lu"];

    /// <summary>KEYS[1] session hash. ARGV: the fields (as <see cref="Fields"/>), then TTL in ms. 1 if added, 0 if the digest exists.</summary>
    public const string Add = """
        if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
        redis.call('HSET', KEYS[1], 'id', ARGV[1], 'c', ARGV[2], 'r', ARGV[3], 'u', ARGV[4], 'ip', ARGV[5],
            'oa', ARGV[6], 'ea', ARGV[7], 'il', ARGV[8], 'lu', ARGV[9])
        redis.call('PEXPIRE', KEYS[1], ARGV[10])
        return 1
        """;

    /// <summary>
    /// KEYS[1] session hash. ARGV[1] now, ARGV[2] grace (ms). Returns the state ('open', 'expired' or 'idle')
    /// followed by the fields, or nothing for an unknown session. An expired or idle session is deleted here, so
    /// of any number of concurrent calls exactly one sees it end. An open session's last use is written only when
    /// the one noted is older than a quarter of its idle timeout (then the key's expiry follows it): most requests
    /// cost a read and no write, and the idle end comes after 0.75 to 1 times the idle timeout without a request.
    /// </summary>
    public const string Use = """
        local v = redis.call('HMGET', KEYS[1], 'id', 'c', 'r', 'u', 'ip', 'oa', 'ea', 'il', 'lu')
        if not v[1] then return false end
        local now, ends, idle, last = tonumber(ARGV[1]), tonumber(v[7]), tonumber(v[8]), tonumber(v[9])
        local state = 'open'
        if now >= ends then
            state = 'expired'
        elseif idle > 0 and now - last >= idle then
            state = 'idle'
        end
        if state ~= 'open' then
            redis.call('DEL', KEYS[1])
        elseif idle > 0 and now - last >= idle / 4 then
            redis.call('HSET', KEYS[1], 'lu', ARGV[1])
            redis.call('PEXPIRE', KEYS[1], math.floor(math.min(ends, now + idle) - now + tonumber(ARGV[2])))
        end
        return {state, v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9]}
        """;

    /// <summary>
    /// KEYS[1] session hash. ARGV[1] now, ARGV[2] '1' to end it only if it is open at that time (past its end or
    /// idle it is left for the next use to report). Deletes the session and returns its fields; nothing when there
    /// was none (or it was not open and ARGV[2] is '1'), so of concurrent calls only the one that ended it gets it.
    /// </summary>
    public const string End = """
        local v = redis.call('HMGET', KEYS[1], 'id', 'c', 'r', 'u', 'ip', 'oa', 'ea', 'il', 'lu')
        if not v[1] then return false end
        local now, idle = tonumber(ARGV[1]), tonumber(v[8])
        if ARGV[2] == '1' and (now >= tonumber(v[7]) or (idle > 0 and now - tonumber(v[9]) >= idle)) then return false end
        redis.call('DEL', KEYS[1])
        return v
        """;

    /// <summary>
    /// Consumes a code and opens its session in one step, on one slot. KEYS[1] code hash, KEYS[2] session hash,
    /// KEYS[3] session id key, KEYS[4] the shard's session index. ARGV[1] now (ms),
    /// ARGV[2] route, ARGV[3] presenter's user ('' for none), ARGV[4] presenter's address as a network, ARGV[5]
    /// session id, ARGV[6] token digest (hex), ARGV[7] the route's session lifetime (ms), ARGV[8] idle timeout (ms, 0
    /// for none), ARGV[9] grace (ms). Returns the code's fields as they were (as <c>Consume</c> does; nothing for an
    /// unknown code) followed by 1 when a session was opened, else 0. A session is opened only by the call that
    /// finds the code live, on its route, unexpired and not bound to another user (the address is judged by the
    /// caller); the code is consumed whatever the outcome, and the index lists the session under the code's id
    /// before anyone can learn of it, so revoking the code ends it.
    /// </summary>
    public const string ConsumeAndOpen = """
        local v = redis.call('HMGET', KEYS[1], 's', 'id', 'r', 'u', 'ip', 'ia', 'ea', 'by', 'why', 'ss')
        if not v[1] then return false end
        v[11] = 0
        if v[1] ~= 'live' then return v end
        redis.call('HSET', KEYS[1], 's', 'consumed')
        local now, user = tonumber(ARGV[1]), v[4] or ''
        if v[3] ~= ARGV[2] or now >= tonumber(v[7]) or (user ~= '' and user ~= ARGV[3]) then return v end
        if redis.call('EXISTS', KEYS[2]) == 1 or redis.call('EXISTS', KEYS[3]) == 1 then return v end
        local life, idle, grace = tonumber(ARGV[7]), tonumber(ARGV[8]), tonumber(ARGV[9])
        if v[10] and v[10] ~= '' and tonumber(v[10]) < life then life = tonumber(v[10]) end
        local ends, network = now + life, v[5]
        if not network or network == '' then network = ARGV[4] end
        redis.call('HSET', KEYS[2], 'id', ARGV[5], 'c', v[2], 'r', ARGV[2], 'u', user, 'ip', network,
            'oa', ARGV[1], 'ea', ends, 'il', idle, 'lu', ARGV[1])
        local first = life
        if idle > 0 and idle < life then first = idle end
        redis.call('PEXPIRE', KEYS[2], first + grace)
        redis.call('SET', KEYS[3], ARGV[6], 'PX', life + grace)
        redis.call('ZADD', KEYS[4], ends, v[2] .. ':' .. ARGV[6])
        redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', ARGV[1])
        if redis.call('PTTL', KEYS[4]) < life + grace then redis.call('PEXPIRE', KEYS[4], life + grace) end
        v[11] = 1
        return v
        """;

    /// <summary>
    /// Takes back a session nobody was told of (its presentation was refused after all). KEYS[1] session hash,
    /// KEYS[2] id key, KEYS[3] the shard's index — one slot. ARGV[1] the session's index member. 1 when the session
    /// was still there.
    /// </summary>
    public const string Discard = """
        local found = redis.call('DEL', KEYS[1])
        redis.call('DEL', KEYS[2])
        redis.call('ZREM', KEYS[3], ARGV[1])
        return found
        """;
}
