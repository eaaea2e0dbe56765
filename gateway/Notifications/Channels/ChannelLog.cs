namespace LatchGateway.Notifications.Channels;

/// <summary>
/// The channels' log events (ids 90–99). They name the channel by its configured name, never by its URL (a Slack or
/// Teams URL is itself a secret), and never carry a secret, a password or a code.
/// </summary>
internal static partial class ChannelLog
{
    [LoggerMessage(90, LogLevel.Debug, "Notification {MessageId} ({Event}) delivered via channel {Channel}.")]
    public static partial void Delivered(ILogger logger, string messageId, string @event, string channel);

    [LoggerMessage(91, LogLevel.Information, "Notification {MessageId} ({Event}) not delivered via channel {Channel}, worth retrying: {Detail}")]
    public static partial void NotDelivered(ILogger logger, string messageId, string @event, string channel, string detail);

    [LoggerMessage(92, LogLevel.Warning, "Notification {MessageId} ({Event}) refused by channel {Channel}; retrying cannot help: {Detail}")]
    public static partial void Refused(ILogger logger, string messageId, string @event, string channel, string detail);

    /// <summary>Logs the outcome of one attempt.</summary>
    public static ChannelResult Attempted(ILogger logger, string channel, Notification notification, ChannelResult result)
    {
        switch (result.Outcome)
        {
            case ChannelOutcome.Sent:
                Delivered(logger, notification.Id, notification.Type, channel);
                break;
            case ChannelOutcome.Retry:
                NotDelivered(logger, notification.Id, notification.Type, channel, result.Detail ?? "failed");
                break;
            default:
                Refused(logger, notification.Id, notification.Type, channel, result.Detail ?? "failed");
                break;
        }

        return result;
    }
}
