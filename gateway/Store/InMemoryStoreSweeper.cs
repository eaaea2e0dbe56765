using LatchGateway.Admin.Configuration;
using LatchGateway.Diagnostics;
using LatchGateway.Lockout;
using Microsoft.Extensions.Options;

namespace LatchGateway.Store;

/// <summary>Runs <see cref="InMemoryLatchStore.Sweep"/> and <see cref="InMemoryLockoutStore.Sweep"/> on <c>Latch:Store:SweepInterval</c>.</summary>
internal sealed class InMemoryStoreSweeper(
    InMemoryLatchStore store,
    InMemoryLockoutStore lockouts,
    LiveOptions<LatchLockoutOptions> lockoutOptions,
    IOptions<LatchStoreOptions> options,
    TimeProvider timeProvider,
    ILogger<InMemoryStoreSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                lockouts.Sweep(lockoutOptions.Current.Window);
                var removed = store.Sweep();
                if (removed > 0)
                {
                    Log.SweptExpiredCodes(logger, removed);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
