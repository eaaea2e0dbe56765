using LatchGateway.Contracts;
using LatchGateway.Tests.Access;
using LatchGateway.Tests.EndToEnd;
using LatchGateway.Tests.Infrastructure;
using SmtpServer.Protocol;
using static LatchGateway.Tests.Notifications.NotificationEndToEndInbox;
using static LatchGateway.Tests.Notifications.NotificationEndToEndSettings;

namespace LatchGateway.Tests.Notifications;

/// <summary>
/// Retries, back-off and fallback as a receiver sees them, through the real gateway on a fake clock: a rule sends
/// <c>access.requested</c> to a webhook and, should it fail for good, to the SRE list by mail (<c>Fallback</c>);
/// a channel gets three attempts, 20 s apart and then 40 s. The class reads <c>latch_notifications_total</c>, so it
/// runs alone (<see cref="SerialMetricsGroup"/>): the meters of gateways in one process mix.
/// </summary>
[Collection(nameof(SerialMetricsGroup))]
public sealed class NotificationDeliveryRetryTests
{
    private const string Path = "/approvers";
    private const string SreList = "sre@example.com";
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(20);

    private readonly Person _alice = AccessSettings.Engineer();

    // Channel names of this test alone, so that no count of an earlier test can be taken for one of this test.
    private readonly string _hook = $"approvers-{Guid.NewGuid():N}"[..18];
    private readonly string _mail = $"mail-{Guid.NewGuid():N}"[..13];

    [Fact]
    public async Task A_webhook_answering_500_is_retried_with_doubling_back_off_and_after_its_last_attempt_the_mail_channel_gets_the_message()
    {
        await using var backend = await TestBackend.StartAsync();
        await using var hooks = await ChannelReceiver.AnsweringAsync(500);
        await using var smtp = await ChannelSmtpServer.StartAsync();
        await using var gateway = await StartAsync(backend, hooks, smtp);

        var id = await RequestAsync(gateway);

        // Attempt 1 (one send: the request and the channel's quick in-process retries), then a wait of RetryDelay.
        await AdvanceUntilCountAsync(gateway, _hook, "retried", 1);
        var afterFirst = hooks.Requests.Count;
        gateway.Advance(RetryDelay - TimeSpan.FromSeconds(1));
        await AssertNoMoreAsync(hooks, afterFirst, "the webhook was tried again before RetryDelay had passed");
        gateway.Advance(TimeSpan.FromSeconds(1));

        // Attempt 2, then twice the wait.
        await AdvanceUntilCountAsync(gateway, _hook, "retried", 2);
        var afterSecond = hooks.Requests.Count;
        Assert.True(afterSecond > afterFirst, "no second attempt");
        gateway.Advance((2 * RetryDelay) - TimeSpan.FromSeconds(1));
        await AssertNoMoreAsync(hooks, afterSecond, "the third attempt came before twice RetryDelay had passed");
        Assert.Empty(smtp.Messages);
        gateway.Advance(TimeSpan.FromSeconds(1));

        // Attempt 3 is the last (MaxAttempts 3): the webhook has failed the message, the rule's next channel gets it.
        await AdvanceUntilCountAsync(gateway, _hook, "failed", 1);
        await AdvanceUntilAsync(gateway, () => Task.FromResult(!smtp.Messages.IsEmpty), "the fallback mail");
        var mail = Assert.Single(smtp.Messages);
        Assert.Equal([SreList], mail.To);
        Assert.Contains($"latchctl requests approve {id}", mail.Message.TextBody, StringComparison.Ordinal);
        await WaitForCountAsync(gateway, _mail, "sent", 1);
        Assert.Equal(2, await CountAsync(gateway, _hook, "retried"));

        // Every attempt was the same message, signed afresh.
        var attempts = Webhooks(hooks, Path);
        Assert.True(attempts.Count >= 3, $"{attempts.Count} requests for three attempts");
        Assert.Single(attempts.Select(a => a.Id).Distinct());
        Assert.All(attempts, a => Assert.Equal((id, "access.requested"), (a["requestId"], a.Type)));
        var failures = (await AbuseHttp.AuditAsync(gateway)).Where(e => e.Type == AuditEventTypes.NotificationFailed).ToList();
        Assert.True(failures.Count == 0, "a delivered message was reported failed: " + string.Join("; ", failures.Select(f => f.Reason)));
    }

    [Fact]
    public async Task A_429_with_Retry_After_longer_than_the_back_off_is_not_retried_before_it()
    {
        await using var backend = await TestBackend.StartAsync();
        await using var hooks = await ChannelReceiver.StartAsync((context, n) =>
        {
            if (n == 0)
            {
                context.Response.StatusCode = 429;
                context.Response.Headers.RetryAfter = "120";
            }

            return Task.CompletedTask;
        });
        await using var smtp = await ChannelSmtpServer.StartAsync();
        await using var gateway = await StartAsync(backend, hooks, smtp);

        var id = await RequestAsync(gateway);

        await WaitForCountAsync(gateway, _hook, "retried", 1);
        Assert.Single(hooks.Requests);
        gateway.Advance(RetryDelay);
        await AssertNoMoreAsync(hooks, 1, "retried after RetryDelay, though the receiver asked for 120 s");
        gateway.Advance(TimeSpan.FromSeconds(119) - RetryDelay);
        await AssertNoMoreAsync(hooks, 1, "retried before the receiver's Retry-After");
        await AdvanceUntilCountAsync(gateway, _hook, "sent", 1);
        var attempts = Webhooks(hooks, Path);
        Assert.Equal(2, attempts.Count);
        Assert.Equal((id, attempts[0].Id), (attempts[1]["requestId"], attempts[1].Id));
        Assert.Empty(smtp.Messages);
    }

    [Fact]
    public async Task A_400_is_final_at_once_and_the_message_falls_back_to_the_next_channel()
    {
        await using var backend = await TestBackend.StartAsync();
        await using var hooks = await ChannelReceiver.AnsweringAsync(400);
        await using var smtp = await ChannelSmtpServer.StartAsync();
        await using var gateway = await StartAsync(backend, hooks, smtp);

        var id = await RequestAsync(gateway);

        await WaitForCountAsync(gateway, _hook, "failed", 1);
        await AdvanceUntilAsync(gateway, () => Task.FromResult(!smtp.Messages.IsEmpty), "the fallback mail");
        Assert.Contains($"latchctl requests approve {id}", Assert.Single(smtp.Messages).Message.TextBody, StringComparison.Ordinal);
        Assert.Single(hooks.Requests);
        Assert.Equal(0, await CountAsync(gateway, _hook, "retried"));
        await WaitForCountAsync(gateway, _mail, "sent", 1);
    }

    [Fact]
    public async Task A_message_every_channel_refuses_is_audited_once_as_notification_failed_and_counted_failed_on_each()
    {
        await using var backend = await TestBackend.StartAsync();
        await using var hooks = await ChannelReceiver.AnsweringAsync(400);
        await using var smtp = await ChannelSmtpServer.StartAsync(new ChannelSmtpServer.Options(Refuse: (SreList, SmtpReplyCode.MailboxUnavailable)));
        await using var gateway = await StartAsync(backend, hooks, smtp);

        await RequestAsync(gateway);

        await WaitForCountAsync(gateway, _hook, "failed", 1);
        await AdvanceUntilCountAsync(gateway, _mail, "failed", 1);
        var events = await AbuseHttp.WaitForAuditAsync(gateway, e => e.Any(x => x.Type == AuditEventTypes.NotificationFailed));
        var failed = Assert.Single(events, e => e.Type == AuditEventTypes.NotificationFailed);
        Assert.Equal(("orders-admin", _alice.User), (failed.Route, failed.User));
        Assert.Contains("access.requested", failed.Reason, StringComparison.Ordinal);
        Assert.Contains(_hook, failed.Reason, StringComparison.Ordinal);
        Assert.Contains(_mail, failed.Reason, StringComparison.Ordinal);

        // Done with: no channel is tried again, nothing is reported twice.
        gateway.Advance(TimeSpan.FromMinutes(10));
        await AssertNoMoreAsync(hooks, 1, "a finally failed message was tried again");
        Assert.Empty(smtp.Messages);
        Assert.Single(await AbuseHttp.AuditAsync(gateway), e => e.Type == AuditEventTypes.NotificationFailed);
        Assert.Equal((1, 1), (await CountAsync(gateway, _hook, "failed"), await CountAsync(gateway, _mail, "failed")));
        Assert.Equal(0, await CountAsync(gateway, _mail, "sent") + await CountAsync(gateway, _hook, "sent"));
    }

    private Task<GatewayInstance> StartAsync(TestBackend backend, ChannelReceiver hooks, ChannelSmtpServer smtp) =>
        GatewayInstance.StartAsync(
            backend,
            AccessWith(
                Webhook(_hook, hooks.Url(Path), FakeClockTimeout),
                Smtp(_mail, smtp.Port, [SreList], FakeClockTimeout),
                Rule(0, ["access.requested"], [_hook, _mail], "Fallback"),
                Retries(3, RetryDelay)),
            clock: GatewayTime.NewClock());

    private async Task<string> RequestAsync(GatewayInstance gateway) =>
        (await AccessHttp.CreatedAsync(gateway, _alice, new { route = "orders-admin", reason = "INC-4711" })).Id();
}
