using LatchGateway.Codes;
using LatchGateway.Configuration;
using LatchGateway.Contracts;
using LatchGateway.Notifications.Channels;

namespace LatchGateway.Notifications;

/// <summary>The admin API's view of notifications: test messages, sent at once through one channel.</summary>
internal sealed class LatchNotificationService(
    NotificationDispatcher dispatcher,
    LiveOptions<LatchNotificationOptions> options,
    TimeProvider timeProvider) : ILatchNotificationService
{
    public bool HasChannel(string channel) => options.Current.Channels.ContainsKey(channel);

    public async Task<NotificationTestResult> TestAsync(string channel, LatchActor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var notification = new Notification(
            "msg_" + CrockfordBase32.NewId(),
            NotificationEvents.Test,
            timeProvider.GetUtcNow(),
            new NotificationData { Reason = $"Test message asked for by {actor.Name}." });
        var result = await dispatcher.SendNowAsync(channel, notification, cancellationToken).ConfigureAwait(false);
        return new NotificationTestResult(channel, result.Outcome == ChannelOutcome.Sent ? "sent" : "failed", result.Detail);
    }
}
