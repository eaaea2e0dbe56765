using System.Net;
using LatchGateway.Tests.Infrastructure;

namespace LatchGateway.Tests.Identity;

/// <summary>
/// <c>Latch:Identity:Header</c>: a header naming the user, believed only from trusted proxies and removed from
/// every other request before anything (gateway or backend) reads it.
/// </summary>
public sealed class IdentityHeaderTests : IAsyncLifetime
{
    private const string Header = "X-Forwarded-User";

    private TestBackend _backend = null!;

    public async Task InitializeAsync() => _backend = await TestBackend.StartAsync();

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    [Theory]
    [InlineData(null)]
    [InlineData("192.0.2.1")]
    public async Task From_a_peer_that_is_not_a_trusted_proxy_the_header_is_ignored_and_not_forwarded(string? someOtherProxy)
    {
        var settings = Settings();
        if (someOtherProxy is not null)
        {
            settings["Latch:ForwardedHeaders:KnownProxies:0"] = someOtherProxy;
        }

        await using var gateway = await GatewayInstance.StartAsync(_backend, settings);
        using var proxy = gateway.CreateProxyClient();
        var forAlice = await gateway.IssueAsync(user: "alice");
        var unbound = await gateway.IssueAsync();
        var refusedPath = LatchHttp.UniquePath();
        var latchedPath = LatchHttp.UniquePath();
        var publicPath = LatchHttp.UniquePath("/public/");

        using var refused = await proxy.PresentAsync(refusedPath, forAlice.Code, headers: (Header, "alice"));
        using var latched = await proxy.PresentAsync(latchedPath, unbound.Code, headers: ("x-forwarded-user", "alice"));
        using var plain = await proxy.PresentAsync(publicPath, code: null, headers: (Header, "alice"));

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Empty(_backend.ReceivedUnder(refusedPath));
        Assert.Equal(HttpStatusCode.OK, latched.StatusCode);
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        Assert.False(Assert.Single(_backend.ReceivedUnder(latchedPath)).Headers.ContainsKey(Header), "X-Forwarded-User reached the backend on a latched route");
        Assert.False(Assert.Single(_backend.ReceivedUnder(publicPath)).Headers.ContainsKey(Header), "X-Forwarded-User reached the backend on a plain route");
        var audit = await AbuseHttp.WaitForAuditAsync(gateway, e => e.Any(a => a.CodeId == forAlice.Id && a.Type == "rejected"));
        var rejected = Assert.Single(audit, a => a.CodeId == forAlice.Id && a.Type == "rejected");
        Assert.Equal("user_mismatch", rejected.Reason);
        Assert.Null(rejected.User);
    }

    [Theory]
    [InlineData("Latch:ForwardedHeaders:KnownProxies:0", "127.0.0.1")]
    [InlineData("Latch:ForwardedHeaders:KnownNetworks:0", "127.0.0.0/8")]
    public async Task From_a_trusted_proxy_the_header_names_the_user_and_is_passed_on(string key, string value)
    {
        var settings = Settings();
        settings[key] = value;
        await using var gateway = await GatewayInstance.StartAsync(_backend, settings);
        using var proxy = gateway.CreateProxyClient();
        var forAlice = await gateway.IssueAsync(user: "alice");
        var alsoForAlice = await gateway.IssueAsync(user: "alice");
        var path = LatchHttp.UniquePath();

        using var accepted = await proxy.PresentAsync(path, forAlice.Code, headers: (Header, "alice"));
        using var asBob = await proxy.PresentAsync(LatchHttp.UniquePath(), alsoForAlice.Code, headers: (Header, "bob"));

        Assert.True(accepted.StatusCode == HttpStatusCode.OK, await LatchHttp.DescribeAsync(accepted));
        Assert.Equal("alice", Assert.Single(_backend.ReceivedUnder(path)).Headers[Header]);
        Assert.Equal(HttpStatusCode.Forbidden, asBob.StatusCode);
        var audit = await AbuseHttp.WaitForAuditAsync(gateway, e => e.Any(a => a.CodeId == forAlice.Id && a.Type == "accepted"));
        Assert.Equal("alice", Assert.Single(audit, a => a.CodeId == forAlice.Id && a.Type == "accepted").User);
    }

    private static Dictionary<string, string?> Settings() =>
        new(GatewayFixture.NoLockout) { ["Latch:Identity:Header"] = Header };
}
