using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using LatchGateway.Tests.Access;
using LatchGateway.Tests.Infrastructure;
using static LatchGateway.Tests.Notifications.NotificationEndToEndInbox;
using static LatchGateway.Tests.Notifications.NotificationEndToEndSettings;

namespace LatchGateway.Tests.Notifications;

/// <summary>
/// Nothing waits for a channel: with a webhook receiver that never answers and an SMTP server that accepts the
/// connection and never says a word, each channel allowed 10 s an attempt, people's calls and presentations on the
/// proxy answer at their usual speed, and a hanging channel holds up only its own messages. On real time: the
/// channels really hang.
/// </summary>
public sealed class NotificationHangingChannelEndToEndTests : IAsyncLifetime
{
    private static readonly TimeSpan ChannelTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Well under the channel's timeout, yet generous for a busy two-core machine.</summary>
    private static readonly TimeSpan Fast = TimeSpan.FromSeconds(2);

    private static readonly string[] Events = ["access.requested", "access.granted", "access.denied", "code.replayed", "lockout", "session.opened"];

    private readonly Person _alice = AccessSettings.Engineer();
    private readonly Person _bob = AccessSettings.Sre();
    private TestBackend _backend = null!;
    private ChannelReceiver _hanging = null!;

    public async Task InitializeAsync()
    {
        _backend = await TestBackend.StartAsync();
        _hanging = await ChannelReceiver.StartAsync((context, _) => Task.Delay(Timeout.Infinite, context.RequestAborted));
    }

    public async Task DisposeAsync()
    {
        await _hanging.DisposeAsync();
        await _backend.DisposeAsync();
    }

    [Fact]
    public async Task Requesting_approving_picking_up_and_presenting_stay_fast_while_every_channel_hangs()
    {
        using var silent = SilentSmtp();
        await using var gateway = await GatewayInstance.StartAsync(
            _backend,
            AccessWith(
                Webhook("hook", _hanging.Url(), ChannelTimeout),
                Smtp("mail", PortOf(silent), ["sre@example.com"], ChannelTimeout),
                Rule(0, Events, ["hook", "mail"])));

        // A first round gets the channels hanging (and the gateway warm).
        await FlowAsync(gateway, measure: false);
        Assert.True(await LatchHttp.EventuallyAsync(() => Task.FromResult(!_hanging.Requests.IsEmpty), Patience), "the webhook was never tried");

        // A second round while they hang.
        await FlowAsync(gateway, measure: true);
    }

    [Fact]
    public async Task A_hanging_channel_holds_up_only_its_own_messages()
    {
        using var silent = SilentSmtp();
        await using var working = await ChannelReceiver.StartAsync();
        await using var gateway = await GatewayInstance.StartAsync(
            _backend,
            AccessWith(
                Webhook("hanging", _hanging.Url(), ChannelTimeout),
                Smtp("silent", PortOf(silent), ["sre@example.com"], ChannelTimeout),
                Webhook("working", working.Url()),
                Rule(0, ["access.requested"], ["hanging", "silent"]),
                Rule(1, ["access.granted"], ["working"])));
        var id = (await AccessHttp.CreatedAsync(gateway, _alice, new { route = "orders-admin", reason = "INC-1" })).Id();
        Assert.True(await LatchHttp.EventuallyAsync(() => Task.FromResult(!_hanging.Requests.IsEmpty), Patience), "the hanging webhook was never tried");
        var started = Stopwatch.GetTimestamp();

        await AccessHttp.ApprovedAsync(gateway, _bob, id);

        var granted = await WaitForWebhookAsync(working, "/hook", m => m.Type == "access.granted" && m["requestId"] == id, "the grant");
        var elapsed = Stopwatch.GetElapsedTime(started);
        Assert.True(elapsed < ChannelTimeout / 2, $"the grant reached a working channel after {elapsed.TotalSeconds:0.0} s, behind a hanging one (timeout {ChannelTimeout.TotalSeconds} s)");
        Assert.Equal("granted", granted["state"]);
    }

    /// <summary>An "SMTP server" whose connections are taken (the kernel completes them) and that never says a word, not even a greeting.</summary>
    private static Socket SilentSmtp()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, FreePort.Next()));
        socket.Listen(64);
        return socket;
    }

    private static int PortOf(Socket listener) => ((IPEndPoint)listener.LocalEndPoint!).Port;

    /// <summary>Request, approve, pick up, present the code twice (the second a replay): each call within <see cref="Fast"/> when measured.</summary>
    private async Task FlowAsync(GatewayInstance gateway, bool measure)
    {
        var id = (await TimedAsync("creating a request", measure, () => AccessHttp.CreatedAsync(gateway, _alice, new { route = "orders-admin", reason = "INC-2" }))).Id();
        await TimedAsync("approving it", measure, () => AccessHttp.ApprovedAsync(gateway, _bob, id));
        var code = await TimedAsync("picking up the code", measure, () => AccessHttp.PickedUpAsync(gateway, _alice, id));
        using var proxy = gateway.CreateProxyClient();
        using var accepted = await TimedAsync("presenting the code", measure, () => proxy.PresentAsync(LatchHttp.UniquePath(), code.Code, _alice.Token));
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        using var replayed = await TimedAsync("presenting it again", measure, () => proxy.PresentAsync(LatchHttp.UniquePath(), code.Code, _alice.Token));
        Assert.Equal(HttpStatusCode.Forbidden, replayed.StatusCode);
    }

    private static async Task<T> TimedAsync<T>(string what, bool measure, Func<Task<T>> call)
    {
        var started = Stopwatch.GetTimestamp();
        var result = await call();
        var elapsed = Stopwatch.GetElapsedTime(started);
        Assert.True(!measure || elapsed < Fast, $"{what} took {elapsed.TotalMilliseconds:0} ms while the channels hang");
        return result;
    }
}
