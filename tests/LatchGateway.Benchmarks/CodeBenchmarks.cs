using BenchmarkDotNet.Attributes;
using LatchGateway.Codes;

namespace LatchGateway.Benchmarks;

/// <summary>The first two steps of every presentation: normalise the presented code, then its keyed digest.</summary>
[MemoryDiagnoser]
public class CodeBenchmarks
{
    private readonly char[] _normalized = new char[CrockfordBase32.MaxCodeLength];
    private BenchGateway _gateway = null!;
    private CodeHasher _hasher = null!;
    private int _normalizedLength;

    /// <summary>As a user types it: lower case, a dash, an I and an O.</summary>
    public string Presented { get; set; } = "7k3qd-m9xio";

    [GlobalSetup]
    public void Setup()
    {
        _gateway = new BenchGateway();
        _hasher = _gateway.Hasher;
        _normalizedLength = CrockfordBase32.Normalize(Presented, _normalized);
    }

    [GlobalCleanup]
    public void Cleanup() => _gateway.Dispose();

    [Benchmark]
    public int Normalize() => CrockfordBase32.Normalize(Presented, _normalized);

    [Benchmark]
    public int ComputeDigest() => _hasher.Compute(_normalized.AsSpan(0, _normalizedLength)).GetHashCode();
}
