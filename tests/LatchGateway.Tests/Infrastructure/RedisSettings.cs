namespace LatchGateway.Tests.Infrastructure;

/// <summary>Gateway settings for the Redis store; replicas given the same settings agree on every digest.</summary>
public static class RedisSettings
{
    public static readonly string HashKey = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)(i * 7)).ToArray());

    public static Dictionary<string, string?> For(string connectionString, string keyPrefix = "latch") => new()
    {
        ["Latch:Store:Provider"] = "Redis",
        ["ConnectionStrings:Redis"] = connectionString,
        ["Latch:Store:KeyPrefix"] = keyPrefix,
        ["Latch:Codes:HashKey"] = HashKey,
    };
}
