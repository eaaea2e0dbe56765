namespace LatchGateway.Notifications.Channels;

/// <summary>Posts a <see cref="TeamsCard"/> to the channel's Workflows webhook URL (which is its secret: never logged).</summary>
internal sealed class TeamsChannel(NotificationPoster poster) : INotificationChannel
{
    public NotificationChannelType Type => NotificationChannelType.Teams;

    public Task<ChannelResult> SendAsync(string name, NotificationChannelOptions channel, Notification notification, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(notification);
        var message = TeamsCard.Render(NotificationText.For(notification, channel.CarriesCodes));
        return poster.PostJsonAsync(name, channel, notification, message.ToJsonString(), null, cancellationToken);
    }
}
