using System.Text.Json;
using LatchGateway.Notifications;
using LatchGateway.Notifications.Channels;

namespace LatchGateway.Tests.Notifications;

public sealed class ChannelTeamsTests
{
    [Fact]
    public async Task A_teams_message_carries_one_adaptive_card_with_title_facts_and_the_latchctl_commands()
    {
        await using var services = new ChannelServices();
        await using var receiver = await ChannelReceiver.StartAsync();

        var result = await services.Channel(NotificationChannelType.Teams).SendAsync(
            "sre-teams", ChannelSamples.Http(NotificationChannelType.Teams, receiver.Url("/workflows/abc?sig=s3cr3t")), ChannelSamples.Requested(), CancellationToken.None);

        Assert.Equal(ChannelOutcome.Sent, result.Outcome);
        var request = Assert.Single(receiver.Requests);
        Assert.Equal("/workflows/abc?sig=s3cr3t", request.PathAndQuery);
        using var message = JsonDocument.Parse(request.Body);
        Assert.Equal("message", message.RootElement.GetProperty("type").GetString());
        var attachment = Assert.Single(message.RootElement.GetProperty("attachments").EnumerateArray());
        Assert.Equal("application/vnd.microsoft.card.adaptive", attachment.GetProperty("contentType").GetString());
        var card = attachment.GetProperty("content");
        Assert.Equal("http://adaptivecards.io/schemas/adaptive-card.json", card.GetProperty("$schema").GetString());
        Assert.Equal("AdaptiveCard", card.GetProperty("type").GetString());
        Assert.Equal("1.4", card.GetProperty("version").GetString());
        var body = card.GetProperty("body").EnumerateArray().ToList();
        Assert.Equal(["TextBlock", "FactSet", "TextBlock", "TextBlock"], body.Select(b => b.GetProperty("type").GetString()));
        Assert.Equal("alice asks for access to orders-admin", body[0].GetProperty("text").GetString());
        var facts = body[1].GetProperty("facts").EnumerateArray().ToDictionary(f => f.GetProperty("title").GetString()!, f => f.GetProperty("value").GetString());
        Assert.Equal("req_01JABC", facts["Request"]);
        Assert.Equal("orders-admin", facts["Route"]);
        Assert.Equal("alice", facts["Requester"]);
        Assert.Equal("pending", facts["State"]);
        Assert.Equal("1 of 2 (bob)", facts["Approvals"]);
        Assert.Equal("2025-06-01 13:00:00 UTC", facts["Pending until"]);
        Assert.Equal("latchctl requests approve req_01JABC", body[2].GetProperty("text").GetString());
        Assert.Equal("Monospace", body[2].GetProperty("fontType").GetString());
    }

    [Fact]
    public async Task Break_glass_is_loud_and_a_reason_cannot_become_a_disguised_link()
    {
        await using var services = new ChannelServices();
        await using var receiver = await ChannelReceiver.StartAsync();
        var breakGlass = ChannelSamples.Requested("[the runbook](https://evil.example)") with { Type = NotificationEvents.AccessBreakGlass };

        await services.Channel(NotificationChannelType.Teams).SendAsync(
            "sre-teams", ChannelSamples.Http(NotificationChannelType.Teams, receiver.Url()), breakGlass, CancellationToken.None);

        using var message = JsonDocument.Parse(Assert.Single(receiver.Requests).Body);
        var body = message.RootElement.GetProperty("attachments")[0].GetProperty("content").GetProperty("body");
        Assert.Equal("BREAK-GLASS: alice granted themselves access to orders-admin", body[0].GetProperty("text").GetString());
        Assert.Equal("Attention", body[0].GetProperty("color").GetString());
        var reason = body[1].GetProperty("facts").EnumerateArray().Single(f => f.GetProperty("title").GetString() == "Reason");
        Assert.Equal(@"\[the runbook\](https://evil.example)", reason.GetProperty("value").GetString());
    }
}
