using LatchGateway.Contracts;
using Microsoft.Extensions.Options;

namespace LatchGateway.Store;

/// <summary>
/// A sweep of the shared store every <c>Latch:Store:SweepInterval</c>, on a timer of the host's
/// <see cref="TimeProvider"/>. Every replica sweeps; the store hands each item due to one sweep only, so what a sweep
/// reports is reported once. A sweep still running when the next tick comes makes that tick a no-op; while the store
/// is unreachable the sweep says so once (<see cref="StoreOutage"/>), and any other failure is logged and the next
/// sweep runs.
/// </summary>
internal abstract class StoreSweep(IOptions<LatchStoreOptions> options, TimeProvider timeProvider, ILogger logger, string name, string items)
    : IHostedService, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly StoreOutage _outage = new(name);
    private ITimer? _timer;
    private int _running;

    protected TimeProvider Time => timeProvider;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var interval = options.Value.SweepInterval;
        _timer = timeProvider.CreateTimer(static state => _ = ((StoreSweep)state!).SweepAsync(), this, interval, interval);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _stopping.Cancel();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _timer?.Dispose();
        _stopping.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Claims what is due from the store and reports it; throws <see cref="LatchStoreUnavailableException"/> when the store is out of reach.</summary>
    protected abstract Task SweepOnceAsync(CancellationToken cancellationToken);

    /// <summary>One sweep.</summary>
    internal async Task SweepAsync()
    {
        if (Interlocked.Exchange(ref _running, 1) == 1)
        {
            return;
        }

        try
        {
            await SweepOnceAsync(_stopping.Token).ConfigureAwait(false);
            _outage.Succeeded(logger);
        }
        catch (LatchStoreUnavailableException exception)
        {
            _outage.Failed(logger, exception);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Stopping.
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // An exception escaping a timer callback would end the process: the next sweep runs.
            Diagnostics.Log.SweepFailed(logger, items, exception);
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }
}
