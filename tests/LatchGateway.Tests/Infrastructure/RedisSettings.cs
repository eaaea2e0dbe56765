namespace LatchGateway.Tests.Infrastructure;

/// <summary>Gateway settings for the Redis store; replicas given the same settings agree on every digest.</summary>
public static class RedisSettings
{
    public static readonly string HashKey = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)(i * 7)).ToArray());

    /// <summary>
    /// Settings for a gateway on Redis. The lockout thresholds are raised (as in <see cref="GatewayFixture.NoLockout"/>):
    /// these tests refuse codes from 127.0.0.1 on purpose, and lockout counts are shared by every replica.
    /// </summary>
    public static Dictionary<string, string?> For(string connectionString, string keyPrefix = "latch") => new(GatewayFixture.NoLockout)
    {
        ["Latch:Store:Provider"] = "Redis",
        ["ConnectionStrings:Redis"] = connectionString,
        ["Latch:Store:KeyPrefix"] = keyPrefix,
        ["Latch:Codes:HashKey"] = HashKey,
    };
}
