using System.Net;
using LatchGateway.Tests.Infrastructure;

namespace LatchGateway.Tests.Identity;

/// <summary>A gateway that identifies users by JWT bearer tokens (the standard <c>Authentication:Schemes:Bearer</c> section).</summary>
public sealed class JwtGatewayFixture : IAsyncLifetime
{
    public TestBackend Backend { get; private set; } = null!;

    public GatewayInstance Gateway { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Backend = await TestBackend.StartAsync();
        Gateway = await GatewayInstance.StartAsync(Backend, AbuseHttp.Merge(GatewayFixture.NoLockout, TestJwt.Settings()));
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Backend.DisposeAsync();
    }
}

/// <summary>
/// A code bound to a user matches only a request whose valid bearer token names exactly that user (claim
/// <c>Latch:Identity:UserClaim</c>, default <c>sub</c>); invalid, expired or wrongly signed tokens identify no one.
/// </summary>
public sealed class JwtIdentityTests(JwtGatewayFixture fixture) : IClassFixture<JwtGatewayFixture>
{
    private GatewayInstance Gateway => fixture.Gateway;

    [Fact]
    public async Task Code_bound_to_alice_is_accepted_with_a_valid_token_whose_sub_is_alice()
    {
        var code = await Gateway.IssueAsync(user: "alice");
        var token = TestJwt.For("alice");
        var path = LatchHttp.UniquePath();
        using var proxy = Gateway.CreateProxyClient();

        using var response = await proxy.PresentAsync(path, code.Code, token);

        Assert.True(response.StatusCode == HttpStatusCode.OK, await LatchHttp.DescribeAsync(response));
        var received = Assert.Single(fixture.Backend.ReceivedUnder(path));
        Assert.Equal($"Bearer {token}", received.Headers["Authorization"]);
        Assert.Equal(code.Id, received.Headers["X-Latch-Id"]);
    }

    [Fact]
    public async Task The_backend_still_receives_the_Authorization_header()
    {
        var code = await Gateway.IssueAsync();
        var token = TestJwt.For("alice");
        var latchedPath = LatchHttp.UniquePath();
        var plainPath = LatchHttp.UniquePath("/public/");
        using var proxy = Gateway.CreateProxyClient();

        using var latched = await proxy.PresentAsync(latchedPath, code.Code, token);
        using var plain = await proxy.PresentAsync(plainPath, code: null, token);

        Assert.Equal(HttpStatusCode.OK, latched.StatusCode);
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        Assert.Equal($"Bearer {token}", Assert.Single(fixture.Backend.ReceivedUnder(latchedPath)).Headers["Authorization"]);
        Assert.Equal($"Bearer {token}", Assert.Single(fixture.Backend.ReceivedUnder(plainPath)).Headers["Authorization"]);
    }

    [Fact]
    public async Task Code_bound_to_alice_is_accepted_for_sub_alice_when_inbound_claim_mapping_is_off()
    {
        // Pins down the cause when the test above fails: with the handler's default MapInboundClaims=true the
        // "sub" claim reaches HttpContext.User renamed to ClaimTypes.NameIdentifier, so UserClaim=sub finds nothing.
        var settings = AbuseHttp.Merge(GatewayFixture.NoLockout, TestJwt.Settings());
        settings["Authentication:Schemes:Bearer:MapInboundClaims"] = "false";
        await using var gateway = await GatewayInstance.StartAsync(fixture.Backend, settings);
        var code = await gateway.IssueAsync(user: "alice");
        using var proxy = gateway.CreateProxyClient();

        using var response = await proxy.PresentAsync(LatchHttp.UniquePath(), code.Code, TestJwt.For("alice"));

        Assert.True(response.StatusCode == HttpStatusCode.OK, await LatchHttp.DescribeAsync(response));
    }

    [Theory]
    [InlineData("sub=bob")]
    [InlineData("expired")]
    [InlineData("signed by another key")]
    [InlineData("unsigned (alg none)")]
    [InlineData("another issuer")]
    [InlineData("another audience")]
    [InlineData("not yet valid")]
    [InlineData("garbage")]
    [InlineData("no token")]
    public async Task Code_bound_to_alice_is_refused(string token)
    {
        var code = await Gateway.IssueAsync(user: "alice");
        var path = LatchHttp.UniquePath();
        using var proxy = Gateway.CreateProxyClient();

        using var response = await proxy.PresentAsync(path, code.Code, TokenFor(token));

        var problem = await LatchHttp.AssertProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Equal("latch_invalid", problem.GetProperty("error").GetString());
        Assert.Empty(fixture.Backend.ReceivedUnder(path));
        var audit = await AbuseHttp.WaitForAuditAsync(Gateway, e => e.Any(a => a.CodeId == code.Id && a.Type == "rejected"));
        var rejected = Assert.Single(audit, a => a.CodeId == code.Id && a.Type == "rejected");
        Assert.Equal("user_mismatch", rejected.Reason);
        Assert.Equal(token == "sub=bob" ? "bob" : null, rejected.User);
    }

    [Theory]
    [InlineData("expired")]
    [InlineData("signed by another key")]
    [InlineData("garbage")]
    public async Task An_invalid_token_identifies_no_one_but_does_not_block_a_code_bound_to_no_user(string token)
    {
        var code = await Gateway.IssueAsync();
        var path = LatchHttp.UniquePath();
        using var proxy = Gateway.CreateProxyClient();

        using var response = await proxy.PresentAsync(path, code.Code, TokenFor(token));

        Assert.True(response.StatusCode == HttpStatusCode.OK, await LatchHttp.DescribeAsync(response));
        var audit = await AbuseHttp.WaitForAuditAsync(Gateway, e => e.Any(a => a.CodeId == code.Id && a.Type == "accepted"));
        Assert.Null(Assert.Single(audit, a => a.CodeId == code.Id && a.Type == "accepted").User);
    }

    [Fact]
    public async Task The_accepted_presentation_is_audited_with_the_user_from_the_token()
    {
        var code = await Gateway.IssueAsync(user: "alice");
        using var proxy = Gateway.CreateProxyClient();

        using var response = await proxy.PresentAsync(LatchHttp.UniquePath(), code.Code, TestJwt.For("alice"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var audit = await AbuseHttp.WaitForAuditAsync(Gateway, e => e.Any(a => a.CodeId == code.Id && a.Type == "accepted"));
        Assert.Equal("alice", Assert.Single(audit, a => a.CodeId == code.Id && a.Type == "accepted").User);
    }

    [Fact]
    public async Task UserClaim_preferred_username_switches_the_claim_that_names_the_user()
    {
        var settings = AbuseHttp.Merge(GatewayFixture.NoLockout, TestJwt.Settings());
        settings["Latch:Identity:UserClaim"] = "preferred_username";
        await using var gateway = await GatewayInstance.StartAsync(fixture.Backend, settings);
        using var proxy = gateway.CreateProxyClient();
        var asAlice = TestJwt.Mint(new Dictionary<string, object> { ["sub"] = "bob", ["preferred_username"] = "alice" });
        var asBob = TestJwt.Mint(new Dictionary<string, object> { ["sub"] = "alice", ["preferred_username"] = "bob" });

        var forAlice = await gateway.IssueAsync(user: "alice");
        using var accepted = await proxy.PresentAsync(LatchHttp.UniquePath(), forAlice.Code, asAlice);
        var alsoForAlice = await gateway.IssueAsync(user: "alice");
        using var refused = await proxy.PresentAsync(LatchHttp.UniquePath(), alsoForAlice.Code, asBob);

        Assert.True(accepted.StatusCode == HttpStatusCode.OK, await LatchHttp.DescribeAsync(accepted));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    private static string? TokenFor(string kind)
    {
        var now = DateTime.UtcNow;
        var alice = new Dictionary<string, object> { ["sub"] = "alice" };
        return kind switch
        {
            "sub=bob" => TestJwt.For("bob"),

            // Well past the handler's default five-minute clock skew.
            "expired" => TestJwt.Mint(alice, notBefore: now.AddMinutes(-30), expires: now.AddMinutes(-10)),
            "not yet valid" => TestJwt.Mint(alice, notBefore: now.AddMinutes(20), expires: now.AddMinutes(30)),
            "signed by another key" => TestJwt.Mint(alice, key: TestJwt.OtherKey),
            "unsigned (alg none)" => Unsigned(alice),
            "another issuer" => TestJwt.Mint(alice, issuer: "someone-else"),
            "another audience" => TestJwt.Mint(alice, audience: "not-latch"),
            "garbage" => "not.a.jwt",
            "no token" => null,
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
    }

    /// <summary>A token with <c>"alg":"none"</c> and no signature, claiming to be for alice.</summary>
    private static string Unsigned(Dictionary<string, object> claims)
    {
        var now = DateTimeOffset.UtcNow;
        var payload = new Dictionary<string, object>(claims)
        {
            ["iss"] = TestJwt.Issuer,
            ["aud"] = TestJwt.Audience,
            ["nbf"] = now.ToUnixTimeSeconds(),
            ["exp"] = now.AddMinutes(10).ToUnixTimeSeconds(),
        };
        return $"{Base64Url("""{"alg":"none","typ":"JWT"}""")}.{Base64Url(System.Text.Json.JsonSerializer.Serialize(payload))}.";
    }

    private static string Base64Url(string json) =>
        Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(System.Text.Encoding.UTF8.GetBytes(json));
}
