using System.Net;
using BenchmarkDotNet.Attributes;
using LatchGateway.Lockout;
using Microsoft.Extensions.DependencyInjection;

namespace LatchGateway.Benchmarks;

/// <summary>
/// The lockout lookup that goes with every consume, as the memory-store gateway makes it: a client that is not
/// locked out, with no one locked out at all (the usual case).
/// </summary>
[MemoryDiagnoser]
public class LockoutBenchmarks
{
    private BenchGateway _gateway = null!;
    private LockoutGuard _guard = null!;

    [GlobalSetup]
    public void Setup()
    {
        _gateway = new BenchGateway();
        _guard = _gateway.Services.GetRequiredService<LockoutGuard>();
    }

    [GlobalCleanup]
    public void Cleanup() => _gateway.Dispose();

    [Benchmark]
    public ValueTask<TimeSpan> PeekRemainingAsync() => _guard.PeekRemainingAsync(IPAddress.Loopback, null, CancellationToken.None);
}
