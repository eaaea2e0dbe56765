using System.Text.Json;
using LatchGateway.Notifications;
using LatchGateway.Notifications.Channels;

namespace LatchGateway.Tests.Notifications;

public sealed class ChannelSlackTests
{
    [Fact]
    public async Task A_slack_message_has_a_text_fallback_and_blocks_with_the_title_facts_and_commands()
    {
        await using var services = new ChannelServices();
        await using var receiver = await ChannelReceiver.StartAsync();

        var result = await services.Channel(NotificationChannelType.Slack).SendAsync(
            "sre-slack", ChannelSamples.Http(NotificationChannelType.Slack, receiver.Url("/services/T0/B0/x")), ChannelSamples.Requested(), CancellationToken.None);

        Assert.Equal(ChannelOutcome.Sent, result.Outcome);
        var request = Assert.Single(receiver.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/services/T0/B0/x", request.PathAndQuery);
        using var message = JsonDocument.Parse(request.Body);
        var root = message.RootElement;
        Assert.Equal("alice asks for access to orders-admin", root.GetProperty("text").GetString());
        var blocks = root.GetProperty("blocks").EnumerateArray().ToList();
        Assert.Equal("section", blocks[0].GetProperty("type").GetString());
        Assert.Equal("mrkdwn", blocks[0].GetProperty("text").GetProperty("type").GetString());
        Assert.Equal("*alice asks for access to orders-admin*", blocks[0].GetProperty("text").GetProperty("text").GetString());
        var fields = blocks.Where(b => b.TryGetProperty("fields", out _)).SelectMany(b => b.GetProperty("fields").EnumerateArray()).Select(f => f.GetProperty("text").GetString()).ToList();
        Assert.Contains("*Request*\nreq_01JABC", fields);
        Assert.Contains("*Reason*\nINC-4711: refund stuck", fields);
        Assert.Contains("*Approvals*\n1 of 2 (bob)", fields);
        var context = Assert.Single(blocks, b => b.GetProperty("type").GetString() == "context");
        Assert.Equal(
            ["`latchctl requests approve req_01JABC`", "`latchctl requests deny req_01JABC --reason \"…\"`"],
            context.GetProperty("elements").EnumerateArray().Select(e => e.GetProperty("text").GetString()));
    }

    [Fact]
    public async Task A_reason_cannot_mention_everyone_or_hide_a_link()
    {
        await using var services = new ChannelServices();
        await using var receiver = await ChannelReceiver.StartAsync();
        var reason = "<!channel> urgent, see <https://evil.example|the runbook> & approve";

        await services.Channel(NotificationChannelType.Slack).SendAsync(
            "sre-slack", ChannelSamples.Http(NotificationChannelType.Slack, receiver.Url()), ChannelSamples.Requested(reason), CancellationToken.None);

        using var message = JsonDocument.Parse(Assert.Single(receiver.Requests).Body);
        var texts = Strings(message.RootElement).ToList();
        Assert.Contains("*Reason*\n&lt;!channel&gt; urgent, see &lt;https://evil.example|the runbook&gt; &amp; approve", texts);
        Assert.All(texts, t => Assert.DoesNotContain('<', t));
        Assert.All(texts, t => Assert.DoesNotContain('>', t));
    }

    [Fact]
    public async Task A_slack_channel_without_CarriesCodes_never_shows_a_code_and_one_with_it_does()
    {
        await using var services = new ChannelServices();
        await using var receiver = await ChannelReceiver.StartAsync();
        var channel = services.Channel(NotificationChannelType.Slack);
        var granted = ChannelSamples.Granted(code: ChannelSamples.Code);

        await channel.SendAsync("sre-slack", ChannelSamples.Http(NotificationChannelType.Slack, receiver.Url()), granted, CancellationToken.None);
        await channel.SendAsync("dm", ChannelSamples.Http(NotificationChannelType.Slack, receiver.Url(), carriesCodes: true), granted, CancellationToken.None);

        var requests = receiver.Requests.ToArray();
        Assert.DoesNotContain(ChannelSamples.Code, requests[0].Text, StringComparison.Ordinal);
        Assert.Contains("latchctl requests pickup req_01JABC", requests[0].Text, StringComparison.Ordinal);
        using var delivered = JsonDocument.Parse(requests[1].Body);
        Assert.Contains($"Your code: `{ChannelSamples.Code}`\nIt expires 2025-06-01 12:15:00 UTC.", Strings(delivered.RootElement));
        Assert.DoesNotContain(ChannelSamples.Code, delivered.RootElement.GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    private static IEnumerable<string> Strings(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => [element.GetString()!],
        JsonValueKind.Array => element.EnumerateArray().SelectMany(Strings),
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p => Strings(p.Value)),
        _ => [],
    };
}
