namespace LatchGateway.Store;

/// <summary>An in-memory store that drops what has expired when swept (Redis expires keys by itself).</summary>
internal interface ISweepable
{
    /// <summary>What a sweep removes, for the log ("latch codes").</summary>
    string SweptItems { get; }

    /// <summary>Removes what has expired; returns how many were removed.</summary>
    int Sweep();
}
