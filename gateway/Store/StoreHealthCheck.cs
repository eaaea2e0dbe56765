using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LatchGateway.Store;

/// <summary>Readiness: the gateway is ready when it can reach its code store.</summary>
internal sealed class StoreHealthCheck(ILatchStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        bool available;
        try
        {
            available = await store.IsAvailableAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            available = false;
        }

        return available ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("The latch code store is unreachable.");
    }
}
