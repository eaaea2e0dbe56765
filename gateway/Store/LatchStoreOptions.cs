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

    /// <summary>TLS to Redis beyond what the connection string says: a private CA, a client certificate.</summary>
    public LatchRedisTlsOptions Redis { get; init; } = new();
}

/// <summary>Settings under <c>Latch:Store:Redis</c>: files for TLS to Redis (the connection string holds the rest).</summary>
public sealed record LatchRedisTlsOptions
{
    /// <summary>
    /// A PEM (or DER) file holding the CA certificate that issued the Redis server's certificate, trusted besides the
    /// machine's own CAs. Setting it turns TLS on.
    /// </summary>
    public string? TrustedCaPath { get; init; }

    /// <summary>A PEM client certificate for Redis servers that require mutual TLS (<c>tls-auth-clients</c>).</summary>
    public string? ClientCertificatePath { get; init; }

    /// <summary>The PEM private key of <see cref="ClientCertificatePath"/>.</summary>
    public string? ClientKeyPath { get; init; }
}

/// <summary>Where codes are kept.</summary>
public enum LatchStoreProvider
{
    Memory,
    Redis,
}
