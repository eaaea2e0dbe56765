namespace LatchGateway.Sessions;

/// <summary>
/// The Lua scripts that make each change of a session atomic. Each touches exactly one key; times are ms since the
/// epoch, passed in by the caller (scripts never read Redis's clock).
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
    /// KEYS[1] the sessions of one code. ARGV[1] token digest, ARGV[2] TTL (ms). Adds the digest and keeps the set
    /// alive as long as the code's longest-lived session.
    /// </summary>
    public const string OpenedBy = """
        redis.call('SADD', KEYS[1], ARGV[1])
        if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
        return 1
        """;
}
