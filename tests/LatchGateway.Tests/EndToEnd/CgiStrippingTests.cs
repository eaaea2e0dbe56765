using LatchGateway.Tests.Infrastructure;

namespace LatchGateway.Tests.EndToEnd;

/// <summary>
/// One CGI-style backend behind two gateways whose identity header is <c>X-Forwarded-User</c>: one trusts no
/// proxy, the other trusts 127.0.0.1 (the tests' own address) as a proxy.
/// </summary>
public sealed class CgiGatewayFixture : IAsyncLifetime
{
    public const string IdentityHeader = "X-Forwarded-User";

    public CgiBackend Backend { get; private set; } = null!;

    public GatewayInstance Untrusting { get; private set; } = null!;

    public GatewayInstance Trusting { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Backend = await CgiBackend.StartAsync();
        var settings = new Dictionary<string, string?>(GatewayFixture.NoLockout) { ["Latch:Identity:Header"] = IdentityHeader };
        Untrusting = await GatewayInstance.StartAsync(Backend.Address, settings);
        settings["Latch:ForwardedHeaders:KnownProxies:0"] = "127.0.0.1";
        Trusting = await GatewayInstance.StartAsync(Backend.Address, settings);
    }

    public async Task DisposeAsync()
    {
        await Trusting.DisposeAsync();
        await Untrusting.DisposeAsync();
        await Backend.DisposeAsync();
    }
}

/// <summary>
/// Stripping follows CGI rules: a backend that reads <c>X_Latch_Id</c> as <c>HTTP_X_LATCH_ID</c> sees no latch
/// variable but the gateway's own <c>X-Latch-Id</c> on an accepted latched request, and no identity variable but
/// the one a trusted proxy sent under the configured name. Requests go over raw sockets, header names as written.
/// </summary>
public sealed class CgiStrippingTests(CgiGatewayFixture fixture) : IClassFixture<CgiGatewayFixture>
{
    private const string LatchVariables = "HTTP_X_LATCH_";
    private const string IdentityVariable = "HTTP_X_FORWARDED_USER";

    private static readonly string[] ForgedLatchHeaders =
    [
        "X_Latch_Id: forged-1",
        "X-Latch-Id: forged-2",
        "x_latch-code: forged-3",
        "X-LATCH_SESSION: forged-4",
        "X_LATCH_FOO: forged-5",
    ];

    private CgiBackend Backend => fixture.Backend;

    [Fact]
    public async Task Kestrel_and_YARP_pass_header_names_with_underscores_through_unchanged()
    {
        var path = LatchHttp.UniquePath("/public/");

        var status = await GetAsync(fixture.Untrusting, path, "X_Custom_Thing: a", "x_mixed-Name: b", "X-Custom-Thing: c");

        Assert.Equal(200, status);
        var received = Backend.ReceivedOn(path);
        Assert.Contains("X_Custom_Thing", received.HeaderNames);
        Assert.Contains("x_mixed-Name", received.HeaderNames);
        Assert.Equal("a,c", received.Environ["HTTP_X_CUSTOM_THING"]);
        Assert.Equal("b", received.Environ["HTTP_X_MIXED_NAME"]);
    }

    [Fact]
    public async Task On_an_accepted_latched_request_the_only_latch_variable_is_the_gateways_X_Latch_Id()
    {
        var code = await fixture.Untrusting.IssueAsync();
        var path = LatchHttp.UniquePath();

        var status = await GetAsync(fixture.Untrusting, path, [$"X-Latch-Code: {code.Code}", .. ForgedLatchHeaders]);

        Assert.Equal(200, status);
        var received = Backend.ReceivedOn(path);
        Assert.Equal(new Dictionary<string, string> { ["HTTP_X_LATCH_ID"] = code.Id }, received.VariablesStartingWith(LatchVariables));
        Assert.DoesNotContain(received.Environ.Values, v => v.Contains("forged", StringComparison.Ordinal));
    }

    [Fact]
    public async Task On_an_open_route_no_latch_variable_reaches_the_backend()
    {
        var path = LatchHttp.UniquePath("/public/");

        var status = await GetAsync(fixture.Untrusting, path, [.. ForgedLatchHeaders, "X-Other_Thing: kept"]);

        Assert.Equal(200, status);
        var received = Backend.ReceivedOn(path);
        Assert.Empty(received.VariablesStartingWith(LatchVariables));
        Assert.Equal("kept", received.Environ["HTTP_X_OTHER_THING"]);
    }

    [Fact]
    public async Task A_forged_X_Latch_Id_gets_no_request_through_a_latched_route()
    {
        var path = LatchHttp.UniquePath();

        var status = await GetAsync(fixture.Untrusting, path, "X_Latch_Id: forged");

        Assert.Equal(401, status);
        Assert.False(Backend.Reached(path));
    }

    [Fact]
    public async Task From_an_untrusted_client_no_spelling_of_the_identity_header_binds_a_user_or_reaches_the_backend()
    {
        var gateway = fixture.Untrusting;
        var forAlice = await gateway.IssueAsync(user: "alice");
        var unbound = await gateway.IssueAsync();
        var refusedPath = LatchHttp.UniquePath();
        var latchedPath = LatchHttp.UniquePath();
        var openPath = LatchHttp.UniquePath("/public/");
        string[] claims = ["X_Forwarded_User: alice", "x-forwarded_user: alice", "X-FORWARDED_USER: alice"];

        var refused = await GetAsync(gateway, refusedPath, [$"X-Latch-Code: {forAlice.Code}", .. claims]);
        var latched = await GetAsync(gateway, latchedPath, [$"X-Latch-Code: {unbound.Code}", .. claims, $"{CgiGatewayFixture.IdentityHeader}: alice"]);
        var open = await GetAsync(gateway, openPath, [.. claims, $"{CgiGatewayFixture.IdentityHeader}: alice"]);

        Assert.Equal(403, refused);
        Assert.False(Backend.Reached(refusedPath));
        Assert.Equal(200, latched);
        Assert.Equal(200, open);
        Assert.False(Backend.ReceivedOn(latchedPath).Environ.ContainsKey(IdentityVariable), "an identity variable reached the backend on a latched route");
        Assert.False(Backend.ReceivedOn(openPath).Environ.ContainsKey(IdentityVariable), "an identity variable reached the backend on an open route");
        var audit = await AbuseHttp.WaitForAuditAsync(gateway, e => e.Any(a => a.CodeId == forAlice.Id && a.Type == "rejected"));
        var rejected = Assert.Single(audit, a => a.CodeId == forAlice.Id && a.Type == "rejected");
        Assert.Equal("user_mismatch", rejected.Reason);
        Assert.Null(rejected.User);
    }

    [Fact]
    public async Task From_a_trusted_proxy_only_the_configured_name_names_the_user_and_reaches_the_backend()
    {
        var gateway = fixture.Trusting;
        var forAlice = await gateway.IssueAsync(user: "alice");
        var alsoForAlice = await gateway.IssueAsync(user: "alice");
        var unbound = await gateway.IssueAsync();
        var acceptedPath = LatchHttp.UniquePath();
        var refusedPath = LatchHttp.UniquePath();
        var unboundPath = LatchHttp.UniquePath();

        var accepted = await GetAsync(
            gateway, acceptedPath, $"X-Latch-Code: {forAlice.Code}", "X_Forwarded_User: mallory", $"{CgiGatewayFixture.IdentityHeader}: alice", "x-forwarded_user: mallory");
        var underscoreOnly = await GetAsync(gateway, refusedPath, $"X-Latch-Code: {alsoForAlice.Code}", "X_Forwarded_User: alice");
        var withoutUser = await GetAsync(gateway, unboundPath, $"X-Latch-Code: {unbound.Code}", "X_Forwarded_User: mallory");

        Assert.Equal(200, accepted);
        Assert.Equal(new Dictionary<string, string> { [IdentityVariable] = "alice" }, Backend.ReceivedOn(acceptedPath).VariablesStartingWith(IdentityVariable));
        Assert.Equal(403, underscoreOnly);
        Assert.False(Backend.Reached(refusedPath));
        Assert.Equal(200, withoutUser);
        Assert.False(Backend.ReceivedOn(unboundPath).Environ.ContainsKey(IdentityVariable), "X_Forwarded_User from a trusted proxy reached the backend");
        var audit = await AbuseHttp.WaitForAuditAsync(
            gateway, e => e.Any(a => a.CodeId == forAlice.Id && a.Type == "accepted") && e.Any(a => a.CodeId == alsoForAlice.Id && a.Type == "rejected"));
        Assert.Equal("alice", Assert.Single(audit, a => a.CodeId == forAlice.Id && a.Type == "accepted").User);
        var rejected = Assert.Single(audit, a => a.CodeId == alsoForAlice.Id && a.Type == "rejected");
        Assert.Equal("user_mismatch", rejected.Reason);
        Assert.Null(rejected.User);
    }

    /// <summary>Sends a GET with the header lines as written and returns the status.</summary>
    private static async Task<int> GetAsync(GatewayInstance gateway, string path, params string[] headerLines) =>
        RawHttp.StatusOf(await RawHttp.GetAsync(gateway.ProxyAddress, path, headerLines));
}
