namespace LatchGateway.Audit;

/// <summary>Settings under <c>Latch:Audit</c>.</summary>
public sealed record LatchAuditOptions
{
    public const string SectionName = "Latch:Audit";

    /// <summary>The JSON-lines file of the memory-store deployment, relative to the content root unless absolute.</summary>
    public string Path { get; init; } = "data/audit.jsonl";

    /// <summary>Size at which the file is rotated (<c>audit.jsonl</c> becomes <c>audit.1.jsonl</c>, …).</summary>
    public long MaxFileBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>Rotated files kept besides the current one; older ones are deleted.</summary>
    public int MaxFiles { get; init; } = 10;

    /// <summary>
    /// Approximate length bound of the Redis stream (XADD MAXLEN ~) in Redis mode. At about 290 bytes an event in
    /// Redis (measured with <c>MEMORY USAGE</c>), the default needs about 70 MiB.
    /// </summary>
    public long StreamMaxLength { get; init; } = 250_000;

    /// <summary>Age bound of the Redis stream in Redis mode: older events are trimmed as newer ones are written; zero keeps events of any age.</summary>
    public TimeSpan StreamMaxAge { get; init; } = TimeSpan.FromDays(7);

    /// <summary>Events waiting to be written; beyond this they are dropped, counted and logged.</summary>
    public int QueueCapacity { get; init; } = 10_000;
}
