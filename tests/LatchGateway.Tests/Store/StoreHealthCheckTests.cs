using LatchGateway.Tests.Infrastructure;
using LatchGateway.Codes;
using LatchGateway.Store;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Time.Testing;

namespace LatchGateway.Tests.Store;

public sealed class StoreHealthCheckTests : IDisposable
{
    private readonly TestTelemetry _telemetry = new(TimeProvider.System);

    private LatchGateway.Diagnostics.LatchMetrics Metrics => _telemetry.Metrics;

    public void Dispose() => _telemetry.Dispose();

    [Fact]
    public async Task Is_healthy_when_the_store_is_available()
    {
        var result = await new StoreHealthCheck(new InMemoryLatchStore(new FakeTimeProvider())).CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Healthy, result.Status);
    }

    [Fact]
    public async Task Is_unhealthy_when_the_store_says_it_is_unavailable()
    {
        var result = await new StoreHealthCheck(new StubStore(() => false)).CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
    }

    [Fact]
    public async Task Is_unhealthy_when_the_store_throws()
    {
        var result = await new StoreHealthCheck(new StubStore(() => throw new TimeoutException())).CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Null(result.Exception);
    }

    private sealed class StubStore(Func<bool> available) : ILatchStore
    {
        public ValueTask<bool> IsAvailableAsync(CancellationToken cancellationToken) => ValueTask.FromResult(available());

        public ValueTask<bool> TryAddAsync(LatchCodeRecord record, CancellationToken cancellationToken) => throw new NotSupportedException();

        public ValueTask<ConsumeResult> ConsumeAsync(CodeDigest digest, CancellationToken cancellationToken) => throw new NotSupportedException();

        public ValueTask RestoreAsync(CodeDigest digest, CancellationToken cancellationToken) => throw new NotSupportedException();

        public ValueTask<LatchCodeRecord?> GetAsync(string id, CancellationToken cancellationToken) => throw new NotSupportedException();

        public ValueTask<CodePage?> ListAsync(LatchGateway.Contracts.LatchCodeQuery query, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public ValueTask<LatchCodeRecord?> RevokeAsync(string id, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
