using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LatchGateway.Store;

/// <summary>Readiness: the gateway is ready when it can reach its code store.</summary>
internal sealed class StoreHealthCheck(ILatchStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            return await store.IsAvailableAsync(cancellationToken).ConfigureAwait(false)
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy("The latch code store is unreachable.");
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("The latch code store is unreachable.");
        }
    }
}
