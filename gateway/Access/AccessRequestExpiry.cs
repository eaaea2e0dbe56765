using LatchGateway.Contracts;
using LatchGateway.Notifications;
using LatchGateway.Store;
using Microsoft.Extensions.Options;

namespace LatchGateway.Access;

/// <summary>
/// Expires pending and granted requests whose deadline has passed, every <c>Latch:Store:SweepInterval</c>, on a
/// timer of the host's <see cref="TimeProvider"/>. Every replica sweeps; the store hands each expired request to
/// one sweep only, so each expiry is audited once. Reads show a request past its deadline as expired before its sweep.
/// </summary>
internal sealed class AccessRequestExpiry(
    IAccessRequestStore store,
    AccessTrail trail,
    IOptions<LatchStoreOptions> options,
    TimeProvider timeProvider,
    ILogger<AccessRequestExpiry> logger) : IHostedService, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private ITimer? _timer;
    private int _running;

    /// <summary>While Redis is down every sweep fails: logged once when that starts and once when it ends.</summary>
    private readonly StoreOutage _outage = new("access request sweep");

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var interval = options.Value.SweepInterval;
        _timer = timeProvider.CreateTimer(static state => _ = ((AccessRequestExpiry)state!).SweepAsync(), this, interval, interval);
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
            // To the millisecond, as every store keeps times.
            var now = DateTimeOffset.FromUnixTimeMilliseconds(timeProvider.GetUtcNow().ToUnixTimeMilliseconds());
            var expired = await store.ExpireDueAsync(now, _stopping.Token).ConfigureAwait(false);
            _outage.Succeeded(logger);
            foreach (var request in expired)
            {
                trail.Expired(request);
                await trail.AnnounceAsync(NotificationEvents.AccessExpired, request, _stopping.Token).ConfigureAwait(false);
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
            Diagnostics.Log.SweepFailed(logger, "access requests", exception);
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }
}
