using LatchGateway.Notifications;
using LatchGateway.Notifications.Channels;

namespace LatchGateway.Tests.Notifications;

/// <summary>A Slack or Teams URL is the channel's secret, like a webhook's signing secret: none reaches a log line or a result.</summary>
public sealed class ChannelSecretsTests
{
    private const string PathSecret = "XyZzY0PathSecret";
    private const string QuerySecret = "QuErY0Secret";

    [Theory]
    [InlineData(NotificationChannelType.Slack, 500)]
    [InlineData(NotificationChannelType.Slack, 404)]
    [InlineData(NotificationChannelType.Teams, 503)]
    [InlineData(NotificationChannelType.Webhook, 400)]
    [InlineData(NotificationChannelType.Webhook, 200)]
    public async Task No_url_path_query_or_secret_is_logged_or_reported(NotificationChannelType type, int status)
    {
        await using var services = new ChannelServices();
        await using var receiver = await ChannelReceiver.AnsweringAsync(status);

        var result = await services.Channel(type).SendAsync(
            "the-channel",
            ChannelSamples.Http(type, receiver.Url($"/services/T0/{PathSecret}?sig={QuerySecret}")),
            ChannelSamples.Granted(code: ChannelSamples.Code),
            CancellationToken.None);

        Assert.NotEmpty(receiver.Requests);
        var logs = services.Logs.All;
        Assert.Contains("the-channel", logs, StringComparison.Ordinal);
        foreach (var secret in new[] { PathSecret, QuerySecret, ChannelSamples.Secret, ChannelSamples.Secret["whsec_".Length..], ChannelSamples.Code })
        {
            Assert.DoesNotContain(secret, logs, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, result.Detail ?? "", StringComparison.Ordinal);
        }
    }
}
