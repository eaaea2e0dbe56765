using LatchGateway.Contracts;
using LatchGateway.Store;
using Microsoft.Extensions.Options;

namespace LatchGateway.Lockout;

/// <summary>
/// Reports lockouts that have ended, every <c>Latch:Store:SweepInterval</c>, on a timer of the host's
/// <see cref="TimeProvider"/>. Every replica sweeps; the store hands each ended lockout to one sweep only, so each
/// <c>lockout_ended</c> event is written once. A lockout's end is reported within a sweep interval of its end.
/// </summary>
internal sealed class LockoutEndings(
    ILockoutStore store,
    LockoutGuard guard,
    IOptions<LatchStoreOptions> options,
    TimeProvider timeProvider,
    ILogger<LockoutEndings> logger) : IHostedService, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private ITimer? _timer;
    private int _running;

    /// <summary>While Redis is down every sweep fails: logged once when that starts and once when it ends.</summary>
    private readonly StoreOutage _outage = new("lockout sweep");

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var interval = options.Value.SweepInterval;
        _timer = timeProvider.CreateTimer(static state => _ = ((LockoutEndings)state!).SweepAsync(), this, interval, interval);
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
    }

    /// <summary>One sweep; a sweep still running when the next tick comes makes that tick a no-op.</summary>
    internal async Task SweepAsync()
    {
        if (Interlocked.Exchange(ref _running, 1) == 1)
        {
            return;
        }

        try
        {
            var ended = await store.ClaimEndedAsync(timeProvider.GetUtcNow(), _stopping.Token).ConfigureAwait(false);
            _outage.Succeeded(logger);
            foreach (var lockout in ended)
            {
                guard.Ended(lockout);
            }
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
            Diagnostics.Log.SweepFailed(logger, "ended lockouts", exception);
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }
}
