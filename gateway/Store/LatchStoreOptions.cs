namespace LatchGateway.Store;

/// <summary>Settings under <c>Latch:Store</c>.</summary>
public sealed record LatchStoreOptions
{
    public const string SectionName = "Latch:Store";

    /// <summary><c>Memory</c> (default) or <c>Redis</c>.</summary>
    public LatchStoreProvider Provider { get; init; } = LatchStoreProvider.Memory;

    /// <summary>Prefix of every Redis key the gateway writes, so several gateways can share one Redis.</summary>
    public string KeyPrefix { get; init; } = "latch";

    /// <summary>How often the memory store drops expired codes.</summary>
    public TimeSpan SweepInterval { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>Where codes are kept.</summary>
public enum LatchStoreProvider
{
    Memory,
    Redis,
}
