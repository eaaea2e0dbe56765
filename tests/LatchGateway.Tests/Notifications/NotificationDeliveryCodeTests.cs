using System.Net;
using System.Text.RegularExpressions;
using LatchGateway.Tests.Access;
using LatchGateway.Tests.Infrastructure;
using Xunit.Abstractions;
using static LatchGateway.Tests.Notifications.NotificationEndToEndInbox;
using static LatchGateway.Tests.Notifications.NotificationEndToEndSettings;

namespace LatchGateway.Tests.Notifications;

/// <summary>
/// Code delivery: a policy whose <c>Delivery</c> names a channel that carries codes issues the code when the request
/// is granted and mails it to the requester's own address (the <c>email</c> claim of their token); the request is
/// then <c>issued</c> and cannot be picked up. Only that mail holds the code. A <c>Delivery</c> naming a channel that
/// does not carry codes, or no channel at all, stops the gateway at start-up.
/// </summary>
public sealed partial class NotificationDeliveryCodeTests(ITestOutputHelper output)
{
    private const string Policy = "Latch:Access:Policies:orders-admin:Delivery";

    private readonly Person _alice = AccessSettings.Engineer();
    private readonly Person _bob = AccessSettings.Sre();

    [Fact]
    public async Task On_approval_the_code_is_issued_and_mailed_to_the_requester_it_works_once_and_cannot_be_picked_up()
    {
        await using var backend = await TestBackend.StartAsync();
        await using var smtp = await ChannelSmtpServer.StartAsync();
        await using var watch = await ChannelReceiver.StartAsync();
        await using var gateway = await GatewayInstance.StartAsync(backend, AccessWith(
            Smtp("requester", smtp.Port, ["{requester.email}"], carriesCodes: true),
            Webhook("siem", watch.Url()),
            Rule(0, ["access.requested", "access.granted", "code.replayed"], ["siem"]),
            new Dictionary<string, string?> { [Policy] = "requester" }));
        var id = (await AccessHttp.CreatedAsync(gateway, _alice, new { route = "orders-admin", reason = "INC-7" })).Id();

        var approved = await AccessHttp.ApprovedAsync(gateway, _bob, id);

        Assert.Equal("issued", approved.State());
        var codeId = approved.GetProperty("codeId").GetString();
        Assert.False(string.IsNullOrEmpty(codeId), "an issued request names its code");
        var mail = await WaitForMailAsync(smtp, m => m.To.Contains($"{_alice.User}@example.com"), "the code's mail");
        Assert.Equal([$"{_alice.User}@example.com"], mail.To);
        Assert.Equal("Your access to orders-admin is granted: here is your code", mail.Message.Subject);
        var code = CodeIn(mail.Message.TextBody);
        Assert.Contains(code, mail.Message.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("It expires", mail.Message.TextBody, StringComparison.Ordinal);

        using var proxy = gateway.CreateProxyClient();
        using (var first = await proxy.PresentAsync(LatchHttp.UniquePath(), code, _alice.Token))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            Assert.Equal(codeId, backend.Received.Last().Headers["X-Latch-Id"]);
        }

        using (var again = await proxy.PresentAsync(LatchHttp.UniquePath(), code, _alice.Token))
        {
            Assert.Equal(HttpStatusCode.Forbidden, again.StatusCode);
        }

        await AccessHttp.AssertErrorAsync(await AccessHttp.PickUpAsync(gateway, _alice, id), HttpStatusCode.Conflict, "access_conflict");

        // The other messages name the request and the code's id, never the code.
        var replayed = await WaitForWebhookAsync(watch, "/hook", m => m.Type == "code.replayed", "the replay's webhook");
        Assert.Equal(codeId, replayed["codeId"]);
        Assert.Contains(Webhooks(watch, "/hook"), m => m.Type == "access.requested" && m["requestId"] == id);
        foreach (var message in watch.Requests)
        {
            AuditHttp.AssertNoCode(message.Text, code, "a webhook");
        }

        Assert.Single(smtp.Messages);
        AuditHttp.AssertNoCode(string.Join("\n", (await AbuseHttp.AuditAsync(gateway)).Select(e => e.ToString())), code, "the audit trail");
    }

    [Theory]
    [InlineData("mail", "does not carry codes")]
    [InlineData("pager", "must be 'pickup' or the name of a channel")]
    public async Task A_delivery_channel_that_does_not_carry_codes_or_does_not_exist_stops_start_up_naming_the_key(string delivery, string why)
    {
        var messages = await StartupFailure.MessagesAsync(
            AccessWith(
                Smtp("mail", FreePort.Next(), ["sre@example.com"]),
                new Dictionary<string, string?> { [Policy] = delivery }),
            output);

        Assert.Contains(Policy, messages, StringComparison.Ordinal);
        Assert.Contains(why, messages, StringComparison.Ordinal);
        Assert.Contains($"'{delivery}'", messages, StringComparison.Ordinal);
    }

    /// <summary>The code in a delivery mail's text: the line <c>Your code: …</c>.</summary>
    internal static string CodeIn(string? text)
    {
        var match = CodeLine().Match(text ?? "");
        Assert.True(match.Success, "no code in the mail:\n" + text);
        return match.Groups["code"].Value;
    }

    [GeneratedRegex(@"^Your code: (?<code>\S+)\r?$", RegexOptions.Multiline)]
    private static partial Regex CodeLine();
}
