using Microsoft.Extensions.Options;

namespace LatchGateway.Store;

/// <summary>
/// Sweeps one in-memory store every <c>Latch:Store:SweepInterval</c>, on a timer of the host's
/// <see cref="TimeProvider"/>: each tick runs the sweep itself, so a test's fake clock drives it exactly.
/// </summary>
internal sealed class InMemorySweeper<TStore>(
    TStore store,
    IOptions<LatchStoreOptions> options,
    TimeProvider timeProvider,
    ILogger<InMemorySweeper<TStore>> logger) : IHostedService, IDisposable
    where TStore : ISweepable
{
    private ITimer? _timer;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var interval = options.Value.SweepInterval;
        _timer = timeProvider.CreateTimer(static state => ((InMemorySweeper<TStore>)state!).Sweep(), this, interval, interval);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        return Task.CompletedTask;
    }

    public void Dispose() => _timer?.Dispose();

    private void Sweep()
    {
        // An exception escaping a timer callback would end the process: a failed sweep is logged, the next one runs.
        try
        {
            var removed = store.Sweep();
            if (removed > 0)
            {
                Diagnostics.Log.Swept(logger, removed, store.SweptItems);
            }
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            Diagnostics.Log.SweepFailed(logger, store.SweptItems, exception);
        }
    }
}
