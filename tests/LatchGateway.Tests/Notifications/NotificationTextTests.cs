using LatchGateway.Notifications;
using LatchGateway.Notifications.Channels;

namespace LatchGateway.Tests.Notifications;

public sealed class NotificationTextTests
{
    private static readonly (string Case, string Type, NotificationData Data, string Title, string[] Commands)[] Cases =
    [
        ("AccessRequested", NotificationEvents.AccessRequested, Request("pending"), "alice asks for access to orders-admin",
            ["latchctl requests approve req_1", "latchctl requests deny req_1 --reason \"…\""]),
        ("AccessGranted", NotificationEvents.AccessGranted, Request("granted"), "alice is granted access to orders-admin", ["latchctl requests pickup req_1"]),
        ("AccessDenied", NotificationEvents.AccessDenied, Request("denied") with { DecidedBy = "bob", DecisionReason = "not during the freeze" }, "alice is denied access to orders-admin", ["latchctl requests show req_1"]),
        ("AccessExpired", NotificationEvents.AccessExpired, Request("expired"), "The request of alice for access to orders-admin expired", ["latchctl requests show req_1"]),
        ("AccessBreakGlass", NotificationEvents.AccessBreakGlass, Request("granted") with { DecidedBy = "alice" }, "BREAK-GLASS: alice granted themselves access to orders-admin",
            ["latchctl requests show req_1", "latchctl audit --type break_glass --route orders-admin --since 1h"]),
        ("CodeReplayed", NotificationEvents.CodeReplayed, new NotificationData { Route = "orders-admin", CodeId = "code_9", ClientIp = "10.0.0.7" },
            "Used code code_9 presented again on orders-admin", ["latchctl audit --type rejected --route orders-admin --since 1h"]),
        ("Lockout of a client", NotificationEvents.Lockout, new NotificationData { Subject = "client_ip", ClientIp = "10.0.0.7" },
            "Lockout: client 10.0.0.7 locked out after repeated refusals", ["latchctl audit --type locked_out --since 1h"]),
        ("Lockout of a user", NotificationEvents.Lockout, new NotificationData { Subject = "user", User = "mallory", ClientIp = "10.0.0.7", Route = "orders-admin" },
            "Lockout: user mallory locked out after repeated refusals", ["latchctl audit --type locked_out --route orders-admin --since 1h"]),
        ("SessionOpened", NotificationEvents.SessionOpened, new NotificationData { Route = "orders-admin", CodeId = "code_9", SessionId = "ses_3", User = "alice" },
            "Session opened on orders-admin with code code_9", ["latchctl sessions end ses_3"]),
        ("Test", NotificationEvents.Test, new NotificationData(), "Test message from LatchGateway", []),
    ];

    public static TheoryData<string> EventCases => new(Cases.Select(c => c.Case));

    [Theory]
    [MemberData(nameof(EventCases))]
    public void Each_event_has_its_title_and_the_commands_that_act_on_it(string name)
    {
        var (_, type, data, title, commands) = Cases.Single(c => c.Case == name);

        var text = NotificationText.For(new Notification("msg_1", type, ChannelSamples.Time, data), carriesCodes: false);

        Assert.Equal(title, text.Title);
        Assert.Equal(commands, text.Commands);
        Assert.Null(text.Code);
        Assert.Equal(type == NotificationEvents.AccessBreakGlass, text.Loud);
    }

    [Fact]
    public void The_facts_name_the_request_route_requester_reason_state_approvals_and_deadline()
    {
        var text = NotificationText.For(ChannelSamples.Requested(), carriesCodes: false);

        Assert.Equal(
            [
                new("Request", "req_01JABC"),
                new("Route", "orders-admin"),
                new("Requester", "alice"),
                new("Reason", "INC-4711: refund stuck"),
                new("State", "pending"),
                new("Approvals", "1 of 2 (bob)"),
                new("Pending until", "2025-06-01 13:00:00 UTC"),
            ],
            text.Facts);
    }

    [Fact]
    public void A_denial_says_who_decided_and_why()
    {
        var denied = new Notification("msg_1", NotificationEvents.AccessDenied, ChannelSamples.Time, Request("denied") with { DecidedBy = "bob", DecisionReason = "freeze" });

        var facts = NotificationText.For(denied, carriesCodes: false).Facts;

        Assert.Contains(new NotificationFact("Decided by", "bob"), facts);
        Assert.Contains(new NotificationFact("Decision reason", "freeze"), facts);
        Assert.Contains(new NotificationFact("Approvals", "0 of 2"), facts);
    }

    [Fact]
    public void A_delivered_code_is_shown_with_its_expiry_only_to_a_channel_that_carries_codes()
    {
        var granted = ChannelSamples.Granted(code: ChannelSamples.Code);

        var plain = NotificationText.For(granted, carriesCodes: false);
        var delivery = NotificationText.For(granted, carriesCodes: true);

        Assert.Null(plain.Code);
        Assert.DoesNotContain(ChannelSamples.Code, plain.Title + string.Concat(plain.Facts) + string.Concat(plain.Commands), StringComparison.Ordinal);
        Assert.Equal(new DeliveredCode(ChannelSamples.Code, "2025-06-01 12:15:00 UTC"), delivery.Code);
        Assert.Equal("Your access to orders-admin is granted: here is your code", delivery.Title);
        Assert.Empty(delivery.Commands);
        Assert.DoesNotContain(delivery.Facts, f => f.Value.Contains(ChannelSamples.Code, StringComparison.Ordinal));
    }

    [Fact]
    public void Values_are_single_line_and_cut_to_a_sensible_length()
    {
        var text = NotificationText.For(ChannelSamples.Requested("line one\r\nSubject: injected\tx" + new string('z', 2000)), carriesCodes: false);

        var reason = Assert.Single(text.Facts, f => f.Label == "Reason").Value;
        Assert.StartsWith("line one  Subject: injected x", reason, StringComparison.Ordinal);
        Assert.DoesNotContain(reason, char.IsControl);
        Assert.Equal(501, reason.Length);
        Assert.EndsWith("…", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_requester_name_cannot_break_the_title_onto_a_second_line()
    {
        var notification = ChannelSamples.Requested() with { Data = ChannelSamples.Requested().Data with { Requester = "eve\r\nBcc: all@example.com" } };

        Assert.Equal("eve  Bcc: all@example.com asks for access to orders-admin", NotificationText.For(notification, carriesCodes: false).Title);
    }

    private static NotificationData Request(string state) => new()
    {
        RequestId = "req_1",
        Route = "orders-admin",
        Requester = "alice",
        Reason = "INC-1",
        State = state,
        ApprovalsNeeded = 2,
    };
}
