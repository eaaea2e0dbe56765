using LatchGateway.Store;
using LatchGateway.Store.Redis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace LatchGateway.Lockout;

/// <summary>
/// Lockouts shared by every replica: per subject a failure counter (expiring with its window) and a lock key
/// (expiring with the lockout), both under one hash tag so the counting script stays in one slot.
/// </summary>
internal sealed class RedisLockoutStore(RedisConnection connection, IOptions<LatchStoreOptions> options) : ILockoutStore
{
    /// <summary>
    /// KEYS[1] failure counter, KEYS[2] lock. ARGV[1] window ms, ARGV[2] max failures, ARGV[3] lockout ms.
    /// Returns the lockout left in ms, negated, when the subject was locked out already (nothing counted); 0 when
    /// the refusal was counted below the threshold; the lockout in ms when this refusal imposed it.
    /// </summary>
    private const string CountRefusal = """
        local left = redis.call('PTTL', KEYS[2])
        if left > 0 then return -left end
        local failures = redis.call('INCR', KEYS[1])
        if failures == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
        if failures < tonumber(ARGV[2]) then return 0 end
        redis.call('DEL', KEYS[1])
        redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
        return tonumber(ARGV[3])
        """;

    private readonly string _prefix = options.Value.KeyPrefix;

    public async ValueTask<TimeSpan> GetRemainingAsync(LockoutSubject subject, CancellationToken cancellationToken)
    {
        var remaining = await RunAsync(db => db.KeyTimeToLiveAsync(LockKey(subject))).ConfigureAwait(false);
        return remaining is { } ttl && ttl > TimeSpan.Zero ? ttl : TimeSpan.Zero;
    }

    public async ValueTask<RefusalCount> CountRefusalAsync(LockoutSubject subject, LatchLockoutOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var milliseconds = (long)await RunAsync(db => db.ScriptEvaluateAsync(
            CountRefusal,
            [FailureKey(subject), LockKey(subject)],
            [(long)options.Window.TotalMilliseconds, options.MaxFailures, (long)options.Duration.TotalMilliseconds])).ConfigureAwait(false);
        return milliseconds switch
        {
            < 0 => RefusalCount.AlreadyLockedOut(TimeSpan.FromMilliseconds(-milliseconds)),
            0 => RefusalCount.Counted,
            _ => RefusalCount.Imposed(TimeSpan.FromMilliseconds(milliseconds)),
        };
    }

    private RedisKey FailureKey(LockoutSubject subject) => $"{_prefix}:failures:{{{subject.Key}}}";

    private RedisKey LockKey(LockoutSubject subject) => $"{_prefix}:lockout:{{{subject.Key}}}";

    private Task<T> RunAsync<T>(Func<IDatabase, Task<T>> operation) => connection.RunAsync(operation);
}
