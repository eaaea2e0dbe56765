using System.Net;
using System.Text;
using LatchGateway.Notifications;
using LatchGateway.Tests.Access;
using LatchGateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using StackExchange.Redis;
using static LatchGateway.Tests.Notifications.NotificationEndToEndInbox;
using static LatchGateway.Tests.Notifications.NotificationEndToEndSettings;

namespace LatchGateway.Tests.Notifications;

/// <summary>
/// Notifications of gateway replicas sharing one real <c>redis-server</c>: a message is sent once however many
/// replicas poll the outbox; a replica that stops while a message waits for its retry, or in the middle of an
/// attempt, loses nothing — the next replica on the same Redis sends it; and a delivered code waits in Redis sealed,
/// never readable. Each test has its own key prefix.
/// </summary>
public sealed class NotificationRedisEndToEndTests : RedisTestBase
{
    private const string Path = "/hook";
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(20);

    private readonly string _prefix = $"latch-{Guid.NewGuid():N}";
    private readonly Person _alice = AccessSettings.Engineer();
    private readonly Person _bob = AccessSettings.Sre();

    /// <summary>How the test receiver answers now: 500 (failing), hanging until the client gives up, or 200.</summary>
    private volatile string _mode = "ok";

    [Fact]
    public async Task Two_replicas_polling_one_outbox_deliver_each_message_exactly_once()
    {
        await using var hooks = await ChannelReceiver.StartAsync();
        await using var a = await StartAsync(hooks);
        await using var b = await StartAsync(hooks);

        var ids = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            ids.Add((await AccessHttp.CreatedAsync(i % 3 == 2 ? b : a, _alice, new { route = "orders-admin", reason = $"INC-{i}" })).Id());
        }

        var all = await LatchHttp.EventuallyAsync(() => Task.FromResult(Webhooks(hooks, Path).Select(m => m["requestId"]).Distinct().Count() == ids.Count), Patience);
        Assert.True(all, $"{Webhooks(hooks, Path).Count} of {ids.Count} messages arrived");

        // Both replicas poll every second: a few polls later, still one delivery each.
        await AssertNoMoreAsync(hooks, ids.Count, "a message was delivered twice", TimeSpan.FromSeconds(3));
        var messages = Webhooks(hooks, Path);
        Assert.Equal(ids.Order(StringComparer.Ordinal), messages.Select(m => m["requestId"]!).Order(StringComparer.Ordinal));
        Assert.Equal(ids.Count, messages.Select(m => m.Id).Distinct().Count());
    }

    [Fact]
    public async Task A_message_waiting_for_its_retry_when_its_replica_stops_is_sent_by_the_next_replica_on_the_same_Redis()
    {
        _mode = "fail";
        await using var hooks = await ChannelReceiver.StartAsync(AnswerAsync);
        var a = await StartAsync(hooks, GatewayTime.NewClock());
        string id;
        try
        {
            id = (await AccessHttp.CreatedAsync(a, _alice, new { route = "orders-admin", reason = "INC-1" })).Id();
            await AdvanceUntilAsync(a, () => Task.FromResult(HasScheduledRetry(a)), "replica A's first attempt failing");
        }
        finally
        {
            await a.DisposeAsync();
        }

        var failed = Webhooks(hooks, Path);
        Assert.NotEmpty(failed);
        _mode = "ok";
        var clock = GatewayTime.NewClock();
        var started = clock.GetUtcNow();
        await using var b = await StartAsync(hooks, clock);

        // Not before its retry is due (A scheduled it RetryDelay after its attempt)...
        await AssertNoMoreAsync(hooks, failed.Count, "replica B sent the message before its retry was due");
        await AdvanceUntilAsync(b, () => Task.FromResult(hooks.Requests.Count > failed.Count), "the message's delivery by replica B");

        // ... then once, as the same message, well before any claim's lease could have run out.
        Assert.InRange(clock.GetUtcNow() - started, TimeSpan.Zero, RetryDelay + TimeSpan.FromSeconds(10));
        var delivered = Assert.Single(Webhooks(hooks, Path).Skip(failed.Count));
        Assert.Equal((failed[0].Id, id), (delivered.Id, delivered["requestId"]));
        await AssertNoMoreAsync(hooks, failed.Count + 1, "the message was delivered twice");
    }

    [Fact]
    public async Task A_message_whose_replica_stops_in_the_middle_of_an_attempt_is_sent_by_another_once_the_claim_lease_has_run_out()
    {
        _mode = "hang";
        await using var hooks = await ChannelReceiver.StartAsync(AnswerAsync);
        var a = await StartAsync(hooks, GatewayTime.NewClock());
        string id;
        try
        {
            id = (await AccessHttp.CreatedAsync(a, _alice, new { route = "orders-admin", reason = "INC-2" })).Id();
            Assert.True(await LatchHttp.EventuallyAsync(() => Task.FromResult(!hooks.Requests.IsEmpty), Patience), "replica A never tried");
        }
        finally
        {
            await a.DisposeAsync();
        }

        var first = Verify(Assert.Single(hooks.Requests));
        _mode = "ok";
        await using var b = await StartAsync(hooks, GatewayTime.NewClock());

        // Replica A still holds the claim: nobody sends the message until its lease has run out.
        b.Advance(RetryDelay * 2);
        await AssertNoMoreAsync(hooks, 1, "replica B sent a message replica A held");
        b.Advance(NotificationDispatcher.Lease);
        await AdvanceUntilAsync(b, () => Task.FromResult(hooks.Requests.Count > 1), "the message's delivery by replica B");

        var delivered = Assert.Single(Webhooks(hooks, Path).Skip(1));
        Assert.Equal((first.Id, id), (delivered.Id, delivered["requestId"]));
        await AssertNoMoreAsync(hooks, 2, "the message was delivered twice");
    }

    [Fact]
    public async Task A_delivered_code_waits_in_Redis_sealed_and_is_mailed_once_the_server_is_back()
    {
        var port = FreePort.Next();
        await using var gateway = await GatewayInstance.StartAsync(
            Backend,
            AccessWith(
                RedisSettings.For(Redis.Endpoint, _prefix),
                Smtp("requester", port, ["{requester.email}"], FakeClockTimeout, carriesCodes: true),
                Retries(6, RetryDelay),
                new Dictionary<string, string?> { ["Latch:Access:Policies:orders-admin:Delivery"] = "requester" }),
            clock: GatewayTime.NewClock());
        var id = (await AccessHttp.CreatedAsync(gateway, _alice, new { route = "orders-admin", reason = "INC-3" })).Id();
        Assert.Equal("issued", (await AccessHttp.ApprovedAsync(gateway, _bob, id)).State());

        // Nothing listens on the SMTP port yet: the message waits in the outbox for its retry.
        await AdvanceUntilAsync(gateway, () => Task.FromResult(HasScheduledRetry(gateway)), "the first attempt failing");
        var redis = await DumpAsync();
        Assert.Contains(id, redis, StringComparison.Ordinal);
        Assert.Contains("\"sealedCode\":", redis, StringComparison.Ordinal);

        await using var smtp = await ChannelSmtpServer.StartAsync(port: port);
        await AdvanceUntilAsync(gateway, () => Task.FromResult(!smtp.Messages.IsEmpty), "the code's mail");
        var code = NotificationDeliveryCodeTests.CodeIn(Assert.Single(smtp.Messages).Message.TextBody);

        AuditHttp.AssertNoCode(redis, code, "Redis, while the message waited");
        AuditHttp.AssertNoCode(await DumpAsync(), code, "Redis, after the mail");
        using var proxy = gateway.CreateProxyClient();
        using var accepted = await proxy.PresentAsync(LatchHttp.UniquePath(), code, _alice.Token);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }

    private Task<GatewayInstance> StartAsync(ChannelReceiver hooks, Microsoft.Extensions.Time.Testing.FakeTimeProvider? clock = null) =>
        GatewayInstance.StartAsync(
            Backend,
            AccessWith(
                RedisSettings.For(Redis.Endpoint, _prefix),
                Webhook("approvers", hooks.Url(Path), FakeClockTimeout),
                Rule(0, ["access.requested"], ["approvers"]),
                Retries(6, RetryDelay)),
            clock: clock);

    private Task AnswerAsync(HttpContext context, int number) => _mode switch
    {
        "fail" => Respond(context, 500),
        "hang" => Task.Delay(Timeout.Infinite, context.RequestAborted),
        _ => Task.CompletedTask,
    };

    private static Task Respond(HttpContext context, int status)
    {
        context.Response.StatusCode = status;
        return Task.CompletedTask;
    }

    /// <summary>Whether the gateway has said it will try a message again (its dispatcher's log line).</summary>
    private static bool HasScheduledRetry(GatewayInstance gateway) =>
        gateway.Logs.Lines.Any(l => l.Contains(nameof(NotificationDispatcher), StringComparison.Ordinal) && l.Contains("retrying in", StringComparison.Ordinal));

    /// <summary>Every key under this test's prefix with everything it holds, as text.</summary>
    private async Task<string> DumpAsync()
    {
        var db = Client.GetDatabase();
        var text = new StringBuilder();
        await foreach (var key in Client.GetServer(Redis.Endpoint).KeysAsync(pattern: _prefix + "*"))
        {
            text.Append(key.ToString()).Append(" =");
            switch (await db.KeyTypeAsync(key))
            {
                case RedisType.String:
                    text.Append(' ').Append(await db.StringGetAsync(key));
                    break;
                case RedisType.Hash:
                    foreach (var entry in await db.HashGetAllAsync(key))
                    {
                        text.Append(' ').Append(entry.Name).Append('=').Append(entry.Value);
                    }

                    break;
                case RedisType.SortedSet:
                    foreach (var entry in await db.SortedSetRangeByRankWithScoresAsync(key))
                    {
                        text.Append(' ').Append(entry.Element);
                    }

                    break;
                case RedisType.Set:
                    text.Append(' ').AppendJoin(' ', await db.SetMembersAsync(key));
                    break;
                case RedisType.List:
                    text.Append(' ').AppendJoin(' ', await db.ListRangeAsync(key));
                    break;
                case RedisType.Stream:
                    foreach (var entry in await db.StreamRangeAsync(key))
                    {
                        foreach (var value in entry.Values)
                        {
                            text.Append(' ').Append(value.Name).Append('=').Append(value.Value);
                        }
                    }

                    break;
            }

            text.Append('\n');
        }

        return text.ToString();
    }
}
