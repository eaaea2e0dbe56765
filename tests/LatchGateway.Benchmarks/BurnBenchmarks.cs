using System.Net;
using BenchmarkDotNet.Attributes;
using LatchGateway.Burn;
using Microsoft.Extensions.DependencyInjection;

namespace LatchGateway.Benchmarks;

/// <summary>
/// <see cref="CodeBurner.BurnAsync"/>: the whole validation of a presented code (normalise, digest, consume,
/// judge) on a store of <see cref="StoreBenchmarks.Background"/> codes. Each iteration presents <see cref="Fresh"/>
/// distinct fresh codes once each (one invocation per iteration).
/// </summary>
[MemoryDiagnoser]
[InvocationCount(1)]
public class BurnBenchmarks
{
    public const int Fresh = 1 << 18;

    private static readonly IPAddress Client = IPAddress.Parse("203.0.113.7");

    private BenchGateway _gateway = null!;
    private CodeBurner _burner = null!;
    private IssuedCodes _fresh = null!;

    [GlobalSetup]
    public void Setup()
    {
        _gateway = new BenchGateway();
        _burner = _gateway.Services.GetRequiredService<CodeBurner>();
        var now = _gateway.Clock.GetUtcNow();
        IssuedCodes.Create(StoreBenchmarks.Background, _gateway.Hasher, BenchGateway.LatchedRoute, now)
            .AddTo(_gateway.Store, now, IssuedCodes.LongTtl);
        _fresh = IssuedCodes.Create(Fresh, _gateway.Hasher, BenchGateway.LatchedRoute, now);
    }

    [IterationSetup]
    public void Refill() => _gateway.Refill(_fresh);

    [GlobalCleanup]
    public void Cleanup() => _gateway.Dispose();

    /// <summary>The whole validation of a fresh code presented as <c>XXXXX-XXXXX</c>: every one is accepted.</summary>
    [Benchmark(OperationsPerInvoke = Fresh)]
    public async Task<int> BurnAsync()
    {
        var accepted = 0;
        foreach (var code in _fresh.Presented)
        {
            var decision = await _burner.BurnAsync(code, BenchGateway.LatchedRoute, Client, null, CancellationToken.None);
            accepted += decision.Outcome == LatchOutcome.Accepted ? 1 : 0;
        }

        return accepted == Fresh ? accepted : throw new InvalidOperationException($"Only {accepted} of {Fresh} codes were accepted.");
    }
}
