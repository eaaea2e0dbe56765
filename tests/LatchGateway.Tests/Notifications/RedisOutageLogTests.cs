using LatchGateway.Tests.Access;
using LatchGateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using static LatchGateway.Tests.Notifications.NotificationEndToEndInbox;
using static LatchGateway.Tests.Notifications.NotificationEndToEndSettings;

namespace LatchGateway.Tests.Notifications;

/// <summary>
/// A gateway whose Redis (password-protected, with an append-only file) is stopped for a few seconds while its
/// background loops keep running every second: the operator's log gets one warning per loop, without a stack trace or
/// the password, then one "reachable again" line per loop once Redis is back — and a notification that was waiting in
/// the outbox is delivered then.
/// </summary>
public sealed class RedisOutageLogTests : IAsyncLifetime
{
    private const string Path = "/hook";
    private const string Password = "outage-test-Pa55word";
    private static readonly string[] Loops = ["notification outbox", "access request sweep", "lockout sweep"];

    private RedisServer _redis = null!;
    private TestBackend _backend = null!;

    /// <summary>Whether the test receiver answers 500 (the message then waits in the outbox for its retry).</summary>
    private volatile bool _failing = true;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync(null, "--requirepass", Password, "--appendonly", "yes", "--appendfsync", "always");
        _backend = await TestBackend.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _backend.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task A_stopped_Redis_is_logged_once_per_loop_without_stack_traces_and_its_return_once_then_the_waiting_message_is_sent()
    {
        await using var hooks = await ChannelReceiver.StartAsync(AnswerAsync);
        var settings = AccessWith(
            RedisSettings.For($"{_redis.Endpoint},password={Password}", $"latch-{Guid.NewGuid():N}"),
            Webhook("approvers", hooks.Url(Path), TimeSpan.FromSeconds(5)),
            Rule(0, ["access.requested"], ["approvers"]),
            Retries(20, TimeSpan.FromSeconds(2)),
            new Dictionary<string, string?> { ["Latch:Store:SweepInterval"] = "00:00:01" });
        await using var gateway = await GatewayInstance.StartAsync(_backend, settings);

        // A message the receiver refuses: it waits in Redis for its retry.
        var id = (await AccessHttp.CreatedAsync(gateway, AccessSettings.Engineer(), new { route = "orders-admin", reason = "INC-7" })).Id();
        Assert.True(
            await LatchHttp.EventuallyAsync(() => Task.FromResult(gateway.Logs.Lines.Any(l => l.Contains("retrying in", StringComparison.Ordinal))), Patience),
            "the first attempt never failed");

        // The dispatcher logs the retry just before it stores it: give that write its moment (a millisecond on loopback).
        await Task.Delay(TimeSpan.FromMilliseconds(200));

        await _redis.StopAsync();
        var stopped = DateTime.UtcNow;
        _failing = false;

        // Every loop notices (the dispatcher polls every second, the sweeps run every second)...
        Assert.True(
            await LatchHttp.EventuallyAsync(() => Task.FromResult(Loops.All(loop => Unreachable(gateway, loop).Count == 1)), Patience),
            "not every loop reported the outage:\n" + gateway.Logs.All);

        // ... and, over about five seconds of an outage, says it once.
        var rest = TimeSpan.FromSeconds(5) - (DateTime.UtcNow - stopped);
        if (rest > TimeSpan.Zero)
        {
            await Task.Delay(rest);
        }

        var sentWhileDown = hooks.Requests.Count;
        foreach (var loop in Loops)
        {
            var line = Assert.Single(Unreachable(gateway, loop));
            Assert.StartsWith("Warning ", line, StringComparison.Ordinal);
        }

        AssertQuiet(gateway);

        await _redis.StartAsync();
        Assert.True(
            await LatchHttp.EventuallyAsync(() => Task.FromResult(Loops.All(loop => ReachableAgain(gateway, loop).Count == 1)), Patience),
            "not every loop reported Redis back:\n" + gateway.Logs.All);
        Assert.Contains(gateway.Logs.Lines, l => l.StartsWith("Information ", StringComparison.Ordinal) && l.Contains("Redis is reachable again at", StringComparison.Ordinal));

        // The message that waited is sent once Redis is back.
        var delivered = await WaitForWebhookAsync(hooks, Path, m => m["requestId"] == id && hooks.Requests.Count > sentWhileDown, "the waiting message");
        Assert.Equal(id, delivered["requestId"]);
        AssertQuiet(gateway);
        foreach (var loop in Loops)
        {
            Assert.Single(Unreachable(gateway, loop));
        }
    }

    private static List<string> Unreachable(GatewayInstance gateway, string loop) =>
        [.. gateway.Logs.Lines.Where(l => l.Contains($"The {loop} cannot reach Redis;", StringComparison.Ordinal))];

    private static List<string> ReachableAgain(GatewayInstance gateway, string loop) =>
        [.. gateway.Logs.Lines.Where(l => l.Contains($"The {loop} reaches Redis again.", StringComparison.Ordinal))];

    /// <summary>No stack trace and no password anywhere in the log.</summary>
    private static void AssertQuiet(GatewayInstance gateway)
    {
        var all = gateway.Logs.All;
        Assert.DoesNotContain("   at ", all, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, all, StringComparison.Ordinal);
    }

    private Task AnswerAsync(HttpContext context, int number)
    {
        if (_failing)
        {
            context.Response.StatusCode = 500;
        }

        return Task.CompletedTask;
    }
}
