using LatchGateway.Configuration;
using LatchGateway.Contracts;
using LatchGateway.Diagnostics;
using LatchGateway.Notifications.Channels;
using LatchGateway.Store;

namespace LatchGateway.Notifications;

/// <summary>
/// Sends what the outbox holds, in the background, on every replica: claims due entries (each claimed by one replica
/// at a time), makes one attempt on each entry's current channel, and then completes it, retries it later with
/// back-off (twice as long each time from <c>RetryDelay</c>, or the receiver's <c>Retry-After</c> if longer), moves a
/// <c>Fallback</c> entry on to its next channel, or reports it failed once no channel is left. Nothing here runs on a
/// request's path; a dead or hanging channel only delays its own messages.
/// </summary>
internal sealed class NotificationDispatcher(
    INotificationOutbox outbox,
    IEnumerable<INotificationChannel> channels,
    NotificationSignal signal,
    NotificationFailures failures,
    LiveOptions<LatchNotificationOptions> options,
    LatchMetrics metrics,
    TimeProvider timeProvider,
    ILogger<NotificationDispatcher> logger) : BackgroundService
{
    /// <summary>How often the outbox is polled for entries other replicas stored or whose time has come.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    /// <summary>How long a claim lasts: longer than any attempt can take, so that a claim runs out only when its replica died.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    private const int BatchSize = 16;

    /// <summary>How many attempts one replica runs at once; past that, due entries wait in the outbox.</summary>
    private const int MaxInFlight = 64;

    private static readonly TimeSpan LongestWait = TimeSpan.FromHours(1);

    private readonly Dictionary<NotificationChannelType, INotificationChannel> _channels = channels.ToDictionary(c => c.Type);

    /// <summary>One slot per attempt in flight; each attempt runs on its own, so a channel that hangs holds up only its own messages.</summary>
    private readonly SemaphoreSlim _slots = new(MaxInFlight, MaxInFlight);

    /// <summary>While Redis is down every poll fails: logged once when that starts and once when it ends.</summary>
    private readonly StoreOutage _outage = new("notification outbox");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                // A slot for each entry claimed: at least one free before claiming, and as many more as are free.
                await _slots.WaitAsync(stoppingToken).ConfigureAwait(false);
                var held = 1;
                while (held < BatchSize && _slots.Wait(0, CancellationToken.None))
                {
                    held++;
                }

                IReadOnlyList<OutboxEntry> claimed = [];
                try
                {
                    claimed = await outbox.ClaimDueAsync(timeProvider.GetUtcNow(), Lease, held, stoppingToken).ConfigureAwait(false);
                    _outage.Succeeded(logger);
                }
                catch (LatchStoreUnavailableException exception)
                {
                    _outage.Failed(logger, exception);
                }
                finally
                {
                    // The slots no entry took go back (all of them when the claim failed).
                    if (held > claimed.Count)
                    {
                        _slots.Release(held - claimed.Count);
                    }
                }

                // Each attempt runs on its own: the loop goes on claiming while channels take their time.
                foreach (var entry in claimed)
                {
                    _ = Task.Run(() => RunAsync(entry, stoppingToken), CancellationToken.None);
                }

                // A full claim may mean more are due: look again at once.
                if (claimed.Count > 0 && claimed.Count == held)
                {
                    continue;
                }

                await signal.WaitAsync(PollInterval, timeProvider, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            // Stopping cancels the attempts in flight; wait until each has let go (its claim's lease then ends and the
            // entry is taken again, here after a restart or by another replica).
            for (var i = 0; i < MaxInFlight; i++)
            {
                await _slots.WaitAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    public override void Dispose()
    {
        _slots.Dispose();
        base.Dispose();
    }

    /// <summary>One attempt on its own, giving its slot back when done; nothing it throws stops the dispatcher.</summary>
    private async Task RunAsync(OutboxEntry entry, CancellationToken stoppingToken)
    {
        try
        {
            await DeliverAsync(entry, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the claim's lease ends and the entry is taken again.
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // The claim stays until its lease ends; the entry is tried again then (delivery is at least once).
            Log.NotificationAttemptFailed(logger, entry.Id, entry.Channel, exception);
        }
        finally
        {
            _slots.Release();
        }
    }

    /// <summary>One attempt on one claimed entry, and what follows from it.</summary>
    internal async Task DeliverAsync(OutboxEntry entry, CancellationToken cancellationToken)
    {
        var settings = options.Current;
        var result = await AttemptAsync(entry, settings, cancellationToken).ConfigureAwait(false);
        try
        {
            await ConcludeAsync(entry, result, settings, cancellationToken).ConfigureAwait(false);
        }
        catch (LatchStoreUnavailableException exception)
        {
            // The claim stays: when its lease ends the entry is tried again (delivery is at least once).
            _outage.Failed(logger, exception);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping: the claim's lease ends and another replica (or the next start) takes the entry.
        }
    }

    /// <summary>Sends one message through the named channel once, outside the outbox (<c>POST /admin/notifications/test</c>).</summary>
    internal Task<ChannelResult> SendNowAsync(string channelName, Notification notification, CancellationToken cancellationToken) =>
        AttemptAsync(new OutboxEntry(notification, [channelName], 0, 0, notification.Time, notification.Time), options.Current, cancellationToken);

    private async Task<ChannelResult> AttemptAsync(OutboxEntry entry, LatchNotificationOptions settings, CancellationToken cancellationToken)
    {
        if (!settings.Channels.TryGetValue(entry.Channel, out var channel) || channel.Type is not { } type || !_channels.TryGetValue(type, out var sender))
        {
            return new ChannelResult(ChannelOutcome.Final, "the channel is no longer configured");
        }

        // Only a policy's code delivery carries a code, and only to channels allowed to carry one.
        if (entry.Notification.Data.Code is not null && !channel.CarriesCodes)
        {
            return new ChannelResult(ChannelOutcome.Final, "the channel does not carry codes");
        }

        try
        {
            return await sender.SendAsync(entry.Channel, channel, entry.Notification, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // A channel should report failures as results; one that throws is retried like a transient failure.
            Log.NotificationAttemptFailed(logger, entry.Id, entry.Channel, exception);
            return new ChannelResult(ChannelOutcome.Retry, exception.GetType().Name);
        }
    }

    private async Task ConcludeAsync(OutboxEntry entry, ChannelResult result, LatchNotificationOptions settings, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        if (result.Outcome == ChannelOutcome.Sent)
        {
            metrics.Notification(entry.Channel, "sent");
            await outbox.CompleteAsync(entry, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (result.Outcome == ChannelOutcome.Retry && entry.Attempt + 1 < settings.MaxAttempts)
        {
            metrics.Notification(entry.Channel, "retried");
            var wait = Backoff(settings.RetryDelay, entry.Attempt, result.RetryAfter);
            Log.NotificationRetrying(logger, entry.Id, entry.Channel, entry.Attempt + 1, wait, result.Detail ?? "failed");
            await outbox.RescheduleAsync(entry with { Attempt = entry.Attempt + 1, DueAt = now + wait }, cancellationToken).ConfigureAwait(false);
            return;
        }

        // This channel has failed the message for good.
        metrics.Notification(entry.Channel, "failed");
        if (entry.ChannelIndex + 1 < entry.Channels.Count)
        {
            Log.NotificationFallingBack(logger, entry.Id, entry.Channel, entry.Channels[entry.ChannelIndex + 1], result.Detail ?? "failed");
            await outbox.RescheduleAsync(entry with { ChannelIndex = entry.ChannelIndex + 1, Attempt = 0, DueAt = now }, cancellationToken).ConfigureAwait(false);
            return;
        }

        await outbox.CompleteAsync(entry, cancellationToken).ConfigureAwait(false);
        failures.Failed(entry, result.Detail);
    }

    /// <summary>The wait before retry number <paramref name="attempt"/> + 1: doubling from <paramref name="first"/>, at least the receiver's <c>Retry-After</c>, at most an hour.</summary>
    internal static TimeSpan Backoff(TimeSpan first, int attempt, TimeSpan? retryAfter)
    {
        var doubled = first * Math.Pow(2, Math.Min(attempt, 16));
        var wait = retryAfter is { } asked && asked > doubled ? asked : doubled;
        return wait > LongestWait ? LongestWait : wait;
    }
}
