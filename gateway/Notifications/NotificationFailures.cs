using LatchGateway.Audit;
using LatchGateway.Contracts;
using LatchGateway.Diagnostics;

namespace LatchGateway.Notifications;

/// <summary>
/// Where a message that finally fails is reported, once: the <c>notification_failed</c> audit event (route, the
/// request's requester, the event and the channels tried, never the message's content), a <c>Warning</c> log line,
/// and <c>latch_notifications_total{outcome="failed"}</c> for each channel.
/// </summary>
internal sealed class NotificationFailures(AuditTrail audit, LatchMetrics metrics, TimeProvider timeProvider, ILogger<NotificationFailures> logger)
{
    /// <summary>Every channel of <paramref name="entry"/> has failed it for good; <paramref name="detail"/> says how the last one did.</summary>
    public void Failed(OutboxEntry entry, string? detail)
    {
        Record(entry, $"{entry.Notification.Type} via {string.Join(", ", entry.Channels)}: {detail ?? "failed"}");
        Log.NotificationFailed(logger, entry.Id, entry.Notification.Type, string.Join(", ", entry.Channels), detail ?? "failed");
    }

    /// <summary>The message could not even be stored: the store was unreachable.</summary>
    public void Lost(OutboxEntry entry, Exception exception)
    {
        foreach (var channel in entry.Channels)
        {
            metrics.Notification(channel, "failed");
        }

        Record(entry, $"{entry.Notification.Type} via {string.Join(", ", entry.Channels)}: the outbox was unavailable");
        Log.NotificationLost(logger, entry.Id, entry.Notification.Type, exception.Message);
    }

    private void Record(OutboxEntry entry, string reason)
    {
        var data = entry.Notification.Data;
        audit.Record(new AuditEntry(
            timeProvider.GetUtcNow(), AuditEventTypes.NotificationFailed, data.CodeId, data.Route, data.Requester ?? data.User, null, reason, null, AuditEntry.CurrentTraceId));
    }
}
