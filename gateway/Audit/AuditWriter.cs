using LatchGateway.Admin.Audit;
using LatchGateway.Contracts;
using LatchGateway.Diagnostics;
using LatchGateway.Store;

namespace LatchGateway.Audit;

/// <summary>
/// Drains the audit queue into the sink in batches (each batch written durably before the next), retrying a
/// failed batch a few times before counting it as dropped. On shutdown it writes whatever is still queued.
/// </summary>
internal sealed class AuditWriter(AuditTrail trail, IAuditSink sink, TimeProvider timeProvider, ILogger<AuditWriter> logger) : BackgroundService
{
    internal const int MaxBatch = 512;

    /// <summary>How long a batch gathers after its first event: the most a crash can add to the queued events it loses.</summary>
    internal static readonly TimeSpan BatchWindow = TimeSpan.FromMilliseconds(50);

    private static readonly TimeSpan[] RetryDelays = [TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(900)];

    /// <summary>While Redis is down every batch fails: logged once when that starts and once when it ends (drops are still counted and reported).</summary>
    private readonly StoreOutage _outage = new("audit writer");

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        trail.Complete();
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<AuditRecord>(MaxBatch);

        // Not stoppingToken: after StopAsync completes the queue, the loop still drains it, then ends.
        while (await trail.WaitToTakeAsync(CancellationToken.None).ConfigureAwait(false))
        {
            await GatherAsync(stoppingToken).ConfigureAwait(false);
            while (batch.Count < MaxBatch && trail.TryTake(out var entry))
            {
                batch.Add(entry.ToRecord());
            }

            await WriteAsync(batch, stoppingToken).ConfigureAwait(false);
            batch.Clear();

            if (trail.TakeUnreportedDrops() is var dropped and > 0)
            {
                Log.AuditEventsDropped(logger, dropped);
            }
        }
    }

    /// <summary>
    /// Lets a batch gather for a moment after its first event, so a busy gateway writes (and fsyncs) a few large
    /// batches a second rather than one per request, and requests never wake the writer one by one.
    /// </summary>
    private async Task GatherAsync(CancellationToken stoppingToken)
    {
        if (trail.Pending >= MaxBatch || stoppingToken.IsCancellationRequested)
        {
            return;
        }

        try
        {
            await Task.Delay(BatchWindow, timeProvider, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Shutting down: write what there is.
        }
    }

    private async Task WriteAsync(List<AuditRecord> batch, CancellationToken stoppingToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await sink.WriteAsync(batch, CancellationToken.None).ConfigureAwait(false);
                _outage.Succeeded(logger);
                return;
            }
            catch (Exception exception)
            {
                if (attempt == RetryDelays.Length || stoppingToken.IsCancellationRequested)
                {
                    if (exception is LatchStoreUnavailableException unavailable)
                    {
                        _outage.Failed(logger, unavailable);
                    }
                    else
                    {
                        Log.AuditWriteFailed(logger, batch.Count, exception);
                    }

                    trail.Dropped(batch.Count);
                    return;
                }

                try
                {
                    await Task.Delay(RetryDelays[attempt], timeProvider, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // Shutting down: one last try without waiting.
                }
            }
        }
    }
}
