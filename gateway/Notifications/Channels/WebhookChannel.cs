using System.Globalization;
using StandardWebhooks;

namespace LatchGateway.Notifications.Channels;

/// <summary>
/// A JSON <c>POST</c> signed per Standard Webhooks: <c>webhook-id</c> (the notification's id, the same on every
/// attempt, so receivers can drop repeats), <c>webhook-timestamp</c> (the attempt's time, unix seconds) and
/// <c>webhook-signature</c> (<c>v1,</c> and the base64 HMAC-SHA256 of <c>id.timestamp.body</c>, keyed with the
/// bytes of the channel's <c>whsec_</c> secret). A code is in <c>data</c> only for a channel with <c>CarriesCodes</c>.
/// </summary>
internal sealed class WebhookChannel(NotificationPoster poster, TimeProvider timeProvider) : INotificationChannel
{
    public const string IdHeader = "webhook-id";
    public const string TimestampHeader = "webhook-timestamp";
    public const string SignatureHeader = "webhook-signature";

    public NotificationChannelType Type => NotificationChannelType.Webhook;

    public async Task<ChannelResult> SendAsync(string name, NotificationChannelOptions channel, Notification notification, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(notification);
        if (channel.Url is null || !LatchNotificationOptionsValidator.IsWebhookSecret(channel.Secret))
        {
            return new ChannelResult(ChannelOutcome.Final, "the channel has no Url or no valid Secret");
        }

        var data = channel.CarriesCodes ? notification.Data : notification.Data with { Code = null };
        var body = WebhookJson.Serialize(new WebhookPayload(notification.Type, notification.Time, data));

        // Whole seconds: the signed timestamp and the header are the same number.
        var now = DateTimeOffset.FromUnixTimeSeconds(timeProvider.GetUtcNow().ToUnixTimeSeconds());
        var signature = new StandardWebhook(channel.Secret!).Sign(notification.Id, now, body);

        return await poster.PostJsonAsync(
            name,
            channel,
            notification,
            body,
            headers =>
            {
                headers.Add(IdHeader, notification.Id);
                headers.Add(TimestampHeader, now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
                headers.Add(SignatureHeader, signature);
            },
            cancellationToken).ConfigureAwait(false);
    }
}
