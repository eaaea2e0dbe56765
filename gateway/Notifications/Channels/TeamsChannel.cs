using System.Text;

namespace LatchGateway.Notifications.Channels;

/// <summary>Posts a <see cref="TeamsCard"/> to the channel's Workflows webhook URL (which is its secret: never logged).</summary>
internal sealed class TeamsChannel(NotificationPoster poster) : INotificationChannel
{
    public NotificationChannelType Type => NotificationChannelType.Teams;

    public async Task<ChannelResult> SendAsync(string name, NotificationChannelOptions channel, Notification notification, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(notification);
        if (channel.Url is null)
        {
            return new ChannelResult(ChannelOutcome.Final, "the channel has no Url");
        }

        var message = TeamsCard.Render(NotificationText.For(notification, channel.CarriesCodes));
        using var request = new HttpRequestMessage(HttpMethod.Post, channel.Url);
        request.Content = new StringContent(message.ToJsonString(), Encoding.UTF8, "application/json");
        return await poster.PostAsync(name, channel, notification, request, cancellationToken).ConfigureAwait(false);
    }
}
