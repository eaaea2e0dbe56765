using BenchmarkDotNet.Attributes;
using LatchGateway.Store;

namespace LatchGateway.Benchmarks;

/// <summary>
/// <see cref="InMemoryLatchStore.ConsumeAsync"/> on a store holding <see cref="Background"/> long-lived codes besides
/// the ones consumed. Each iteration consumes <see cref="Fresh"/> distinct live codes once each, put in afresh by
/// the iteration set-up (one invocation per iteration), so every operation finds a live code and burns it.
/// </summary>
[MemoryDiagnoser]
[InvocationCount(1)]
public class StoreBenchmarks
{
    public const int Fresh = 1 << 20;

    public const int Background = 500_000;

    private BenchGateway _gateway = null!;
    private InMemoryLatchStore _store = null!;
    private IssuedCodes _fresh = null!;

    [GlobalSetup]
    public void Setup()
    {
        _gateway = new BenchGateway();
        _store = _gateway.Store;
        var now = _gateway.Clock.GetUtcNow();
        IssuedCodes.Create(Background, _gateway.Hasher, BenchGateway.LatchedRoute, now).AddTo(_store, now, IssuedCodes.LongTtl);
        _fresh = IssuedCodes.Create(Fresh, _gateway.Hasher, BenchGateway.LatchedRoute, now);
    }

    [IterationSetup]
    public void Refill() => _gateway.Refill(_fresh);

    [GlobalCleanup]
    public void Cleanup() => _gateway.Dispose();

    [Benchmark(OperationsPerInvoke = Fresh)]
    public async Task<int> ConsumeAsync()
    {
        var consumed = 0;
        foreach (var digest in _fresh.Digests)
        {
            var result = await _store.ConsumeAsync(digest, CancellationToken.None);
            consumed += result.PriorState == CodeState.Live ? 1 : 0;
        }

        return consumed == Fresh ? consumed : throw new InvalidOperationException($"Only {consumed} of {Fresh} codes were live.");
    }
}
