using LatchGateway.Codes;
using LatchGateway.Configuration;
using LatchGateway.Contracts;

namespace LatchGateway.Notifications;

/// <summary>
/// Turns an event into outbox entries by the rules: one entry per channel for <c>All</c>, one entry trying the
/// channels in order for <c>Fallback</c>. Entries are stored before this returns, so the action that caused the event
/// has its messages on record when it answers; sending is the dispatcher's, in the background. A store that cannot be
/// reached loses the messages of this event: that is logged, counted and audited, and never fails the action itself.
/// </summary>
internal sealed class NotificationPublisher(
    INotificationOutbox outbox,
    NotificationSignal signal,
    NotificationFailures failures,
    LiveOptions<LatchNotificationOptions> options,
    TimeProvider timeProvider)
{
    /// <summary>Stores the messages the rules ask for about <paramref name="type"/>; does nothing when no rule names it.</summary>
    public ValueTask PublishAsync(string type, NotificationData data, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        List<OutboxEntry>? entries = null;
        foreach (var rule in options.Current.Rules)
        {
            if (rule.Events is null || rule.Channels is not { Length: > 0 } channels || !rule.Events.Contains(type, StringComparer.Ordinal))
            {
                continue;
            }

            entries ??= [];
            if (rule.Mode == NotificationMode.Fallback)
            {
                entries.Add(NewEntry(type, data, channels, now));
            }
            else
            {
                foreach (var channel in channels)
                {
                    entries.Add(NewEntry(type, data, [channel], now));
                }
            }
        }

        return entries is null ? ValueTask.CompletedTask : StoreAsync(entries, cancellationToken);
    }

    /// <summary>Stores the one message that delivers a code to its requester through a policy's <c>Delivery</c> channel.</summary>
    public ValueTask DeliverAsync(string channel, NotificationData data, CancellationToken cancellationToken) =>
        StoreAsync([NewEntry(NotificationEvents.AccessGranted, data, [channel], timeProvider.GetUtcNow())], cancellationToken);

    private async ValueTask StoreAsync(List<OutboxEntry> entries, CancellationToken cancellationToken)
    {
        try
        {
            await outbox.EnqueueAsync(entries, cancellationToken).ConfigureAwait(false);
            signal.Wake();
        }
        catch (LatchStoreUnavailableException exception)
        {
            foreach (var entry in entries)
            {
                failures.Lost(entry, exception);
            }
        }
    }

    private static OutboxEntry NewEntry(string type, NotificationData data, IReadOnlyList<string> channels, DateTimeOffset now) =>
        new(new Notification("msg_" + CrockfordBase32.NewId(), type, now, data), channels, 0, 0, now, now);
}
