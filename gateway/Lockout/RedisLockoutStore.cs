using System.Globalization;
using LatchGateway.Contracts;
using LatchGateway.Store;
using LatchGateway.Store.Redis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace LatchGateway.Lockout;

/// <summary>
/// Lockouts shared by every replica: per subject a failure counter (expiring with its window), a lock key (expiring
/// with the lockout) and the lockout's summary (a hash: refusals while it ran, the route that imposed it, its end),
/// all under one hash tag so each script stays in one slot. Ended lockouts are found through an index of end times
/// (<c>{prefix}:lockouts-ending</c>); a script on the subject's slot hands each summary out once.
/// </summary>
internal sealed class RedisLockoutStore(RedisConnection connection, IOptions<LatchStoreOptions> options, TimeProvider timeProvider) : ILockoutStore
{
    /// <summary>How long a summary outlives its lockout for a sweep to report it; after that it is lost, not leaked.</summary>
    private static readonly TimeSpan SummaryGrace = TimeSpan.FromDays(1);

    /// <summary>Ended lockouts claimed per sweep at most; the rest wait for the next.</summary>
    private const int ClaimChunk = 500;

    /// <summary>
    /// KEYS[1] failure counter, KEYS[2] lock, KEYS[3] summary. ARGV[1] window ms, ARGV[2] max failures, ARGV[3]
    /// lockout ms, ARGV[4] route ('' for none), ARGV[5] summary lifetime ms, ARGV[6] the lockout's end (unix ms).
    /// Returns { -ms left } when the subject was locked out already (nothing counted but the summary's refusals);
    /// { 0 } when the refusal was counted below the threshold; { lockout ms, the summary of an earlier lockout not
    /// reported yet: refusals, route, end } when this refusal imposed one.
    /// </summary>
    private const string CountRefusal = """
        local left = redis.call('PTTL', KEYS[2])
        if left > 0 then
          if redis.call('EXISTS', KEYS[3]) == 1 then redis.call('HINCRBY', KEYS[3], 'n', 1) end
          return { -left }
        end
        local failures = redis.call('INCR', KEYS[1])
        if failures == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
        if failures < tonumber(ARGV[2]) then return { 0 } end
        redis.call('DEL', KEYS[1])
        redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
        local previous = redis.call('HMGET', KEYS[3], 'n', 'route', 'end')
        redis.call('DEL', KEYS[3])
        redis.call('HSET', KEYS[3], 'n', 0, 'route', ARGV[4], 'end', ARGV[6])
        redis.call('PEXPIRE', KEYS[3], ARGV[5])
        return { tonumber(ARGV[3]), previous[1], previous[2], previous[3] }
        """;

    /// <summary>KEYS[1] lock, KEYS[2] summary. Returns the lockout left in ms; a refusal found locked out is counted in the summary.</summary>
    private const string Check = """
        local left = redis.call('PTTL', KEYS[1])
        if left > 0 and redis.call('EXISTS', KEYS[2]) == 1 then redis.call('HINCRBY', KEYS[2], 'n', 1) end
        return left
        """;

    /// <summary>
    /// KEYS[1] lock, KEYS[2] summary. Hands out the summary of an ended lockout, once: nil while the subject is
    /// (again) locked out, { } when there is none left (claimed by another replica, or by a new lockout), else
    /// { refusals, route, end }.
    /// </summary>
    private const string Claim = """
        if redis.call('PTTL', KEYS[1]) > 0 then return false end
        local summary = redis.call('HMGET', KEYS[2], 'n', 'route', 'end')
        if not summary[1] then return { } end
        redis.call('DEL', KEYS[2])
        return summary
        """;

    /// <summary>KEYS[1] index, ARGV[1] member, ARGV[2] unix ms. Takes the member out unless a new lockout moved its end past ARGV[2].</summary>
    private const string Unindex = """
        local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
        if score and tonumber(score) <= tonumber(ARGV[2]) then redis.call('ZREM', KEYS[1], ARGV[1]) end
        return 0
        """;

    private readonly string _prefix = options.Value.KeyPrefix;

    private RedisKey Index => $"{_prefix}:lockouts-ending";

    public async ValueTask<TimeSpan> GetRemainingAsync(LockoutSubject subject, CancellationToken cancellationToken)
    {
        var left = (long)await RunAsync(db => db.ScriptEvaluateAsync(Check, [LockKey(subject), SummaryKey(subject)])).ConfigureAwait(false);
        return left > 0 ? TimeSpan.FromMilliseconds(left) : TimeSpan.Zero;
    }

    public async ValueTask<TimeSpan> PeekRemainingAsync(LockoutSubject subject, CancellationToken cancellationToken)
    {
        // PTTL answers -2 (no key) or -1 (no expiry, which a lock never has): not locked out.
        var left = await RunAsync(db => db.KeyTimeToLiveAsync(LockKey(subject))).ConfigureAwait(false);
        return left is { } remaining && remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero;
    }

    public async ValueTask<RefusalCount> CountRefusalAsync(LockoutSubject subject, string? route, LatchLockoutOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var duration = (long)options.Duration.TotalMilliseconds;
        var end = timeProvider.GetUtcNow().ToUnixTimeMilliseconds() + duration;
        var result = (RedisResult[])(await RunAsync(db => db.ScriptEvaluateAsync(
            CountRefusal,
            [FailureKey(subject), LockKey(subject), SummaryKey(subject)],
            [(long)options.Window.TotalMilliseconds, options.MaxFailures, duration, route ?? string.Empty,
                duration + (long)SummaryGrace.TotalMilliseconds, end])).ConfigureAwait(false))!;
        var milliseconds = (long)result[0];
        switch (milliseconds)
        {
            case < 0:
                return RefusalCount.AlreadyLockedOut(TimeSpan.FromMilliseconds(-milliseconds));
            case 0:
                return RefusalCount.Counted;
        }

        var imposed = RefusalCount.Imposed(TimeSpan.FromMilliseconds(milliseconds), Summary(subject, result.AsSpan(1)));
        try
        {
            // The index lives in a slot of its own: it is told after the script, and only what it lists is swept.
            await RunAsync(db => db.SortedSetAddAsync(Index, subject.Key, end)).ConfigureAwait(false);
        }
        catch (LatchStoreUnavailableException)
        {
            // The lockout holds all the same; its summary is reported when the subject is next locked out, or expires.
        }

        return imposed;
    }

    public async ValueTask<IReadOnlyList<EndedLockout>> ClaimEndedAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var nowMs = now.ToUnixTimeMilliseconds();
        var due = await RunAsync(db => db.SortedSetRangeByScoreAsync(Index, double.NegativeInfinity, nowMs, take: ClaimChunk)).ConfigureAwait(false);
        var ended = new List<EndedLockout>();
        foreach (var member in due)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var key = member.ToString();
            if (!LockoutSubject.TryParseKey(key, out var subject))
            {
                await RunAsync(db => db.SortedSetRemoveAsync(Index, member)).ConfigureAwait(false);
                continue;
            }

            var claimed = await RunAsync(db => db.ScriptEvaluateAsync(Claim, [LockKey(subject), SummaryKey(subject)])).ConfigureAwait(false);
            if (claimed.IsNull)
            {
                // Locked out again, or Redis's clock behind ours: a later sweep sees it end.
                continue;
            }

            if (Summary(subject, ((RedisResult[])claimed!).AsSpan()) is { } lockout)
            {
                ended.Add(lockout);
            }

            await RunAsync(db => db.ScriptEvaluateAsync(Unindex, [Index], [member, nowMs])).ConfigureAwait(false);
        }

        return ended;
    }

    /// <summary>A summary as the scripts return it (refusals, route, end), or null when there was none.</summary>
    private static EndedLockout? Summary(LockoutSubject subject, ReadOnlySpan<RedisResult> summary)
    {
        if (summary.Length < 3 || summary[0].IsNull)
        {
            return null;
        }

        var route = (string?)summary[1];
        var end = long.TryParse((string?)summary[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out var ms) ? ms : 0;
        return new EndedLockout(subject, DateTimeOffset.FromUnixTimeMilliseconds(end), (long)summary[0], string.IsNullOrEmpty(route) ? null : route);
    }

    private RedisKey FailureKey(LockoutSubject subject) => $"{_prefix}:failures:{{{subject.Key}}}";

    private RedisKey LockKey(LockoutSubject subject) => $"{_prefix}:lockout:{{{subject.Key}}}";

    private RedisKey SummaryKey(LockoutSubject subject) => $"{_prefix}:lockout-summary:{{{subject.Key}}}";

    private Task<T> RunAsync<T>(Func<IDatabase, Task<T>> operation) => connection.RunAsync(operation);
}
