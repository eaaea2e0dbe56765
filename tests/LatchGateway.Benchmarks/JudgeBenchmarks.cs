using System.Net;
using BenchmarkDotNet.Attributes;
using LatchGateway.Codes;
using LatchGateway.Store;
using LatchGateway.Burn;

namespace LatchGateway.Benchmarks;

/// <summary><see cref="CodeBurner.Judge"/>: what a consumed live code's bindings mean for this presentation.</summary>
[MemoryDiagnoser]
public class JudgeBenchmarks
{
    private static readonly IPAddress Client = IPAddress.Parse("203.0.113.7");

    private readonly DateTimeOffset _now = DateTimeOffset.UtcNow;
    private ConsumeResult _unbound;
    private ConsumeResult _bound;

    [GlobalSetup]
    public void Setup()
    {
        var record = new LatchCodeRecord(
            "q7brgj86vm6m3ng3by7b", new CodeDigest(new byte[CodeDigest.Size]), BenchGateway.LatchedRoute, null, null,
            _now, _now + IssuedCodes.ShortTtl, "bench", null);
        _unbound = new ConsumeResult(record, CodeState.Live);
        _bound = new ConsumeResult(record with { Network = IPNetwork.Parse("203.0.113.0/24"), User = "alice" }, CodeState.Live);
    }

    /// <summary>A code bound to nothing but its route (the load benchmark's codes).</summary>
    [Benchmark]
    public int Judge() => (int)CodeBurner.Judge(_unbound, BenchGateway.LatchedRoute, Client, null, _now);

    /// <summary>A code bound to a /24 and a user.</summary>
    [Benchmark]
    public int JudgeBound() => (int)CodeBurner.Judge(_bound, BenchGateway.LatchedRoute, Client, "alice", _now);
}
