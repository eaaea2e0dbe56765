namespace LatchGateway.Notifications.Channels;

/// <summary>Posts a <see cref="SlackMessage"/> to the channel's incoming-webhook URL (which is its secret: never logged).</summary>
internal sealed class SlackChannel(NotificationPoster poster) : INotificationChannel
{
    public NotificationChannelType Type => NotificationChannelType.Slack;

    public Task<ChannelResult> SendAsync(string name, NotificationChannelOptions channel, Notification notification, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(notification);
        var message = SlackMessage.Render(NotificationText.For(notification, channel.CarriesCodes));
        return poster.PostJsonAsync(name, channel, notification, message.ToJsonString(), null, cancellationToken);
    }
}
