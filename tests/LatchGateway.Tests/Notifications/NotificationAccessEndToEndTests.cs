using System.Net;
using LatchGateway.Tests.Access;
using LatchGateway.Tests.Infrastructure;
using static LatchGateway.Tests.Notifications.NotificationEndToEndInbox;
using static LatchGateway.Tests.Notifications.NotificationEndToEndSettings;

namespace LatchGateway.Tests.Notifications;

/// <summary>
/// The access flow's notifications through the real gateway, as approvers and requesters receive them: a signed
/// webhook and a Slack message to the approvers, a mail to the SRE list and one to the requester's own address
/// (from the <c>email</c> claim of their token). The gateway runs on a fake clock, so a request's deadline passes
/// when the test says.
/// </summary>
public sealed class NotificationAccessEndToEndTests : IAsyncLifetime
{
    private const string ApproversPath = "/approvers";
    private const string SlackPath = "/slack";
    private const string SreList = "sre@example.com";
    private static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(10);

    private readonly Person _alice = AccessSettings.Engineer();
    private readonly Person _bob = AccessSettings.Sre();
    private TestBackend _backend = null!;
    private ChannelReceiver _hooks = null!;
    private ChannelSmtpServer _smtp = null!;
    private GatewayInstance _gateway = null!;

    public async Task InitializeAsync()
    {
        _backend = await TestBackend.StartAsync();
        _hooks = await ChannelReceiver.StartAsync();
        _smtp = await ChannelSmtpServer.StartAsync();
        _gateway = await GatewayInstance.StartAsync(
            _backend,
            AccessWith(
                Webhook("approvers", _hooks.Url(ApproversPath), FakeClockTimeout),
                Slack("sre-slack", _hooks.Url(SlackPath), FakeClockTimeout),
                Smtp("mail", _smtp.Port, [SreList], FakeClockTimeout),
                Smtp("requester", _smtp.Port, ["{requester.email}"], FakeClockTimeout),
                Rule(0, ["access.requested", "access.break_glass"], ["approvers", "sre-slack", "mail"]),
                Rule(1, ["access.granted", "access.denied"], ["requester"]),
                Rule(2, ["access.expired"], ["approvers"]),
                new Dictionary<string, string?> { ["Latch:Store:SweepInterval"] = SweepInterval.ToString("c") }),
            clock: GatewayTime.NewClock());
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _smtp.DisposeAsync();
        await _hooks.DisposeAsync();
        await _backend.DisposeAsync();
    }

    [Fact]
    public async Task A_new_request_reaches_the_approvers_signed_naming_request_route_requester_reason_and_state_with_the_command_to_approve()
    {
        var request = await AccessHttp.CreatedAsync(_gateway, _alice, new { route = "orders-admin", reason = "INC-4711: refund stuck" });
        var id = request.Id();

        var hook = await WaitForWebhookAsync(_hooks, ApproversPath, m => m["requestId"] == id, "the approvers' webhook");
        Assert.Equal("access.requested", hook.Type);
        Assert.StartsWith("msg_", hook.Id, StringComparison.Ordinal);
        Assert.InRange(hook.Timestamp, DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds());
        Assert.Equal(
            (id, "orders-admin", _alice.User, "INC-4711: refund stuck", "pending"),
            (hook["requestId"], hook["route"], hook["requester"], hook["reason"], hook["state"]));

        var slack = await WaitForSlackAsync(id);
        Assert.Contains($"latchctl requests approve {id}", slack.Text, StringComparison.Ordinal);
        var mail = await WaitForMailAsync(_smtp, m => IsMailTo(m, SreList, id), "the SRE list's mail");
        Assert.Equal(NotificationEndToEndSettings.From, mail.From);
        Assert.Equal($"{_alice.User} asks for access to orders-admin", mail.Message.Subject);
        Assert.Contains($"latchctl requests approve {id}", mail.Message.TextBody, StringComparison.Ordinal);
        Assert.Contains("INC-4711: refund stuck", mail.Message.TextBody, StringComparison.Ordinal);

        // One message per channel of the rule; nothing is said to the requester until someone decides.
        Assert.Single(Webhooks(_hooks, ApproversPath), m => m["requestId"] == id);
        Assert.Single(_smtp.Messages, m => IsMailTo(m, SreList, id));
        Assert.DoesNotContain(_smtp.Messages, m => m.To.Contains(Email(_alice)));
    }

    [Fact]
    public async Task An_approval_tells_the_requester_at_their_own_address_how_to_pick_up_and_no_message_ever_holds_the_code()
    {
        var id = (await AccessHttp.CreatedAsync(_gateway, _alice, new { route = "orders-admin", reason = "INC-1" })).Id();

        await AccessHttp.ApprovedAsync(_gateway, _bob, id, "go ahead");

        var mail = await WaitForMailAsync(_smtp, m => IsMailTo(m, Email(_alice), id), "the requester's mail");
        Assert.Equal([Email(_alice)], mail.To);
        Assert.Equal($"{_alice.User} is granted access to orders-admin", mail.Message.Subject);
        Assert.Contains("granted", mail.Message.TextBody, StringComparison.Ordinal);
        Assert.Contains($"latchctl requests pickup {id}", mail.Message.TextBody, StringComparison.Ordinal);

        var code = await AccessHttp.PickedUpAsync(_gateway, _alice, id);
        AssertNoCodeAnywhere(code.Code);
    }

    [Fact]
    public async Task A_denial_tells_the_requester_who_denied_and_why()
    {
        var id = (await AccessHttp.CreatedAsync(_gateway, _alice, new { route = "orders-admin", reason = "INC-2" })).Id();

        using (var denied = await AccessHttp.DenyAsync(_gateway, _bob, id, "use the read-only role"))
        {
            Assert.Equal(HttpStatusCode.OK, denied.StatusCode);
        }

        var mail = await WaitForMailAsync(_smtp, m => IsMailTo(m, Email(_alice), id), "the requester's mail");
        Assert.Equal($"{_alice.User} is denied access to orders-admin", mail.Message.Subject);
        Assert.Contains("use the read-only role", mail.Message.TextBody, StringComparison.Ordinal);
        Assert.Contains(_bob.User, mail.Message.TextBody, StringComparison.Ordinal);
        Assert.Contains("State:", mail.Message.TextBody, StringComparison.Ordinal);
        Assert.Contains("denied", mail.Message.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Break_glass_is_announced_on_every_channel_of_its_rule()
    {
        var request = await AccessHttp.CreatedAsync(_gateway, _alice, new { route = "exports", reason = "SEV-1: exports down", breakGlass = true });
        var id = request.Id();
        Assert.Equal("granted", request.State());

        var hook = await WaitForWebhookAsync(_hooks, ApproversPath, m => m["requestId"] == id, "the approvers' webhook");
        Assert.Equal("access.break_glass", hook.Type);
        Assert.Equal((_alice.User, "granted", _alice.User), (hook["requester"], hook["state"], hook["decidedBy"]));
        var slack = await WaitForSlackAsync(id);
        Assert.Contains("BREAK-GLASS", slack.Text, StringComparison.Ordinal);
        var mail = await WaitForMailAsync(_smtp, m => IsMailTo(m, SreList, id), "the SRE list's mail");
        Assert.StartsWith($"BREAK-GLASS: {_alice.User} granted themselves access to exports", mail.Message.Subject, StringComparison.Ordinal);
        Assert.Contains("SEV-1: exports down", mail.Message.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_request_nobody_decides_is_announced_as_expired_once_its_deadline_passes_on_the_clock()
    {
        var id = (await AccessHttp.CreatedAsync(_gateway, _alice, new { route = "orders-admin", reason = "INC-3" })).Id();
        await WaitForWebhookAsync(_hooks, ApproversPath, m => m["requestId"] == id, "the access.requested webhook");
        Assert.DoesNotContain(Webhooks(_hooks, ApproversPath), m => m.Type == "access.expired");

        // orders-admin's PendingTtl is the default hour; the sweep runs every SweepInterval.
        _gateway.Advance(TimeSpan.FromHours(1) + SweepInterval);

        var expired = await WaitForWebhookAsync(_hooks, ApproversPath, m => m.Type == "access.expired" && m["requestId"] == id, "the access.expired webhook");
        Assert.Equal(("expired", _alice.User, "orders-admin"), (expired["state"], expired["requester"], expired["route"]));
        Assert.Single(Webhooks(_hooks, ApproversPath), m => m.Type == "access.expired");
    }

    private static string Email(Person person) => $"{person.User}@example.com";

    private async Task<ChannelReceiver.Received> WaitForSlackAsync(string id)
    {
        ChannelReceiver.Received? found = null;
        var arrived = await LatchHttp.EventuallyAsync(
            () => Task.FromResult((found = _hooks.Requests.FirstOrDefault(r => r.PathAndQuery == SlackPath && r.Text.Contains(id, StringComparison.Ordinal))) is not null),
            Patience);
        Assert.True(arrived, $"no Slack message about {id}");
        return found!;
    }

    private void AssertNoCodeAnywhere(string code)
    {
        foreach (var request in _hooks.Requests)
        {
            AuditHttp.AssertNoCode(request.Text, code, $"the message to {request.PathAndQuery}");
        }

        foreach (var mail in _smtp.Messages)
        {
            AuditHttp.AssertNoCode(Readable(mail), code, $"the mail to {string.Join(", ", mail.To)}");
        }
    }
}
