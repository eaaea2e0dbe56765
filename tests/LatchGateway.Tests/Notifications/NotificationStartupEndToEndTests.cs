using LatchGateway.Tests.Infrastructure;
using Xunit.Abstractions;
using static LatchGateway.Tests.Notifications.NotificationEndToEndSettings;

namespace LatchGateway.Tests.Notifications;

/// <summary>
/// A wrong <c>Latch:Notifications</c> setting stops the gateway at start-up with a message naming the key, and never
/// quoting a secret: a rule naming an unknown event or channel, a Webhook channel without a Standard Webhooks secret,
/// an Smtp channel without a sender.
/// </summary>
public sealed class NotificationStartupEndToEndTests(ITestOutputHelper output)
{
    private static readonly Uri Receiver = new("http://127.0.0.1:9/hook");

    [Fact]
    public async Task A_rule_naming_an_unknown_event_stops_start_up_naming_the_key_and_the_event()
    {
        var messages = await StartupFailure.MessagesAsync(
            AbuseHttp.Merge(Webhook("siem", Receiver), Rule(0, ["access.requested", "access.requsted"], ["siem"])), output);

        Assert.Contains("Latch:Notifications:Rules:0:Events", messages, StringComparison.Ordinal);
        Assert.Contains("'access.requsted'", messages, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rule_naming_an_unknown_channel_stops_start_up_naming_the_key_and_the_channel()
    {
        var messages = await StartupFailure.MessagesAsync(
            AbuseHttp.Merge(Webhook("siem", Receiver), Rule(0, ["lockout"], ["siem", "pager"])), output);

        Assert.Contains("Latch:Notifications:Rules:0:Channels", messages, StringComparison.Ordinal);
        Assert.Contains("'pager'", messages, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("s3cr3t-without-prefix-0123456789abcdef")]
    [InlineData("whsec_dG9vIHNob3J0")]
    [InlineData("whsec_not base64 at all!!")]
    public async Task A_webhook_without_a_valid_whsec_secret_stops_start_up_naming_the_key_without_quoting_it(string? secret)
    {
        var settings = Webhook("siem", Receiver);
        settings["Latch:Notifications:Channels:siem:Secret"] = secret;

        var messages = await StartupFailure.MessagesAsync(settings, output);

        Assert.Contains("Latch:Notifications:Channels:siem:Secret", messages, StringComparison.Ordinal);
        if (secret is not null)
        {
            Assert.DoesNotContain(secret, messages, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task An_smtp_channel_without_a_sender_stops_start_up_naming_the_key()
    {
        var settings = Smtp("mail", 2525, ["sre@example.com"]);
        settings["Latch:Notifications:Channels:mail:From"] = null;

        var messages = await StartupFailure.MessagesAsync(settings, output);

        Assert.Contains("Latch:Notifications:Channels:mail:From", messages, StringComparison.Ordinal);
    }
}
