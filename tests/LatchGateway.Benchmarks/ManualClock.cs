namespace LatchGateway.Benchmarks;

/// <summary>Wall-clock time that moves only when told, so a benchmark can expire yesterday's codes and sweep them.</summary>
internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
