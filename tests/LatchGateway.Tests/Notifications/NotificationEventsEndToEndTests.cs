using System.Net;
using LatchGateway.Tests.Access;
using LatchGateway.Tests.Infrastructure;
using static LatchGateway.Tests.Notifications.NotificationEndToEndInbox;
using static LatchGateway.Tests.Notifications.NotificationEndToEndSettings;

namespace LatchGateway.Tests.Notifications;

/// <summary>
/// The events of the proxy itself, as a SIEM behind a signed webhook hears them: a used code presented again
/// (<c>code.replayed</c>), a client locked out (<c>lockout</c>), a session opened on a Session route
/// (<c>session.opened</c>). Each names the code by its id; none holds the code.
/// </summary>
public sealed class NotificationEventsEndToEndTests : IAsyncLifetime
{
    private const string Path = "/hook";

    private TestBackend _backend = null!;
    private ChannelReceiver _siem = null!;

    public async Task InitializeAsync()
    {
        _backend = await TestBackend.StartAsync();
        _siem = await ChannelReceiver.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _siem.DisposeAsync();
        await _backend.DisposeAsync();
    }

    [Fact]
    public async Task A_used_code_presented_again_is_reported_as_code_replayed()
    {
        await using var gateway = await StartAsync();
        var code = await gateway.IssueAsync();
        using var proxy = gateway.CreateProxyClient();
        using (var first = await proxy.PresentAsync(LatchHttp.UniquePath(), code.Code))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        Assert.Empty(_siem.Requests);
        using (var replay = await proxy.PresentAsync(LatchHttp.UniquePath(), code.Code))
        {
            Assert.Equal(HttpStatusCode.Forbidden, replay.StatusCode);
        }

        var message = await WaitForWebhookAsync(_siem, Path, m => m.Type == "code.replayed", "code.replayed");
        Assert.Equal((code.Id, "orders-admin", "127.0.0.1"), (message["codeId"], message["route"], message["clientIp"]));
        AssertNoCode(code.Code);
    }

    [Fact]
    public async Task A_lockout_is_reported_naming_the_client()
    {
        await using var gateway = await StartAsync(AbuseHttp.Lockout(3));
        using var proxy = gateway.CreateProxyClient();

        await proxy.RefuseAsync(3);

        var message = await WaitForWebhookAsync(_siem, Path, m => m.Type == "lockout", "lockout");
        Assert.Equal(("client_ip", "127.0.0.1", "orders-admin"), (message["subject"], message["clientIp"], message["route"]));
        using var locked = await proxy.PresentAsync(LatchHttp.UniquePath(), LatchHttp.RandomCode());
        await AbuseHttp.AssertLockedOutAsync(locked);
        Assert.Single(Webhooks(_siem, Path), m => m.Type == "lockout");
    }

    [Fact]
    public async Task A_session_opened_on_a_Session_route_is_reported_with_its_id_and_the_code_id()
    {
        await using var gateway = await StartAsync();
        var code = await gateway.IssueAsync(route: "console");
        using var proxy = gateway.CreateProxyClient();

        using (var opened = await proxy.PresentAsync(LatchHttp.UniquePath("/console/"), code.Code))
        {
            Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
            Assert.Contains(opened.Headers.GetValues("Set-Cookie"), c => c.StartsWith("Latch-Session-console=", StringComparison.Ordinal));
        }

        var message = await WaitForWebhookAsync(_siem, Path, m => m.Type == "session.opened", "session.opened");
        Assert.Equal((code.Id, "console"), (message["codeId"], message["route"]));
        using var admin = gateway.CreateAdminClient();
        var sessions = await admin.GetStringAsync("admin/sessions?route=console");
        Assert.Contains(message["sessionId"]!, sessions, StringComparison.Ordinal);
        AssertNoCode(code.Code);
    }

    private Task<GatewayInstance> StartAsync(IReadOnlyDictionary<string, string?>? extra = null) =>
        GatewayInstance.StartAsync(_backend, AccessWith(
            Webhook("siem", _siem.Url(Path)),
            Rule(0, ["code.replayed", "lockout", "session.opened"], ["siem"]),
            extra ?? new Dictionary<string, string?>()));

    private void AssertNoCode(string code)
    {
        Assert.NotEmpty(_siem.Requests);
        foreach (var message in _siem.Requests)
        {
            AuditHttp.AssertNoCode(message.Text, code, "a webhook");
        }
    }
}
