using System.Net;
using System.Text.Json;
using LatchGateway.Tests.Infrastructure;
using LatchGateway.Tests.Sessions;
using static LatchGateway.Tests.Access.AccessSettings;

namespace LatchGateway.Tests.Access;

/// <summary>
/// The access flow over real sockets with real JWTs: a requester asks, an approver grants, the requester picks up a
/// code bound to them, and that code works once on the proxy, for them; each step is in the audit trail.
/// </summary>
public sealed class AccessRequestFlowTests(AccessGatewayFixture fixture) : IClassFixture<AccessGatewayFixture>
{
    private GatewayInstance Gateway => fixture.Gateway;

    [Fact]
    public async Task Alice_asks_bob_approves_and_alice_picks_up_a_code_that_works_once_with_her_token()
    {
        var alice = Engineer();
        var bob = Sre();
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);

        using var create = await AccessHttp.CreateAsync(Gateway, alice, new { route = "orders-admin", reason = "INC-4711" });
        var location = create.Headers.Location?.OriginalString;
        var created = await AccessHttp.ExpectAsync(create, HttpStatusCode.Created);

        var id = created.Id();
        Assert.False(string.IsNullOrEmpty(id));
        Assert.Equal($"/access/requests/{id}", location);
        Assert.Equal(AccessHttp.RequestMembers.Order(StringComparer.Ordinal), created.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal("orders-admin", created.GetProperty("route").GetString());
        Assert.Equal(alice.User, created.GetProperty("requester").GetString());
        Assert.Equal("INC-4711", created.GetProperty("reason").GetString());
        Assert.Equal(JsonValueKind.Null, created.GetProperty("ip").ValueKind);
        Assert.Equal(OrdersMaxTtlSeconds, created.GetProperty("ttlSeconds").GetInt32());
        Assert.Equal(JsonValueKind.Null, created.GetProperty("sessionSeconds").ValueKind);
        Assert.Equal("pending", created.State());
        Assert.False(created.GetProperty("breakGlass").GetBoolean());
        var createdAt = created.GetProperty("createdAt").GetDateTimeOffset();
        Assert.InRange(createdAt, before, DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.Equal(createdAt + TimeSpan.FromHours(1), created.GetProperty("expiresAt").GetDateTimeOffset());
        Assert.Empty(created.GetProperty("approvals").EnumerateArray());
        Assert.Equal(1, created.GetProperty("approvalsNeeded").GetInt32());
        Assert.Equal(JsonValueKind.Null, created.GetProperty("decidedBy").ValueKind);
        Assert.Equal(JsonValueKind.Null, created.GetProperty("decisionReason").ValueKind);
        Assert.Equal(JsonValueKind.Null, created.GetProperty("codeId").ValueKind);

        var approved = await AccessHttp.ApprovedAsync(Gateway, bob, id, "checked INC-4711");
        Assert.Equal("granted", approved.State());
        var approval = Assert.Single(approved.GetProperty("approvals").EnumerateArray());
        Assert.Equal(bob.User, approval.GetProperty("by").GetString());
        Assert.Equal("checked INC-4711", approval.GetProperty("reason").GetString());
        var approvedAt = approval.GetProperty("at").GetDateTimeOffset();
        Assert.Equal(approvedAt + TimeSpan.FromMinutes(15), approved.GetProperty("expiresAt").GetDateTimeOffset());

        using var pickUp = await AccessHttp.PickUpAsync(Gateway, alice, id);
        Assert.True(LatchHttp.IsNoStore(pickUp), "Cache-Control: no-store missing on the pickup");
        var codeLocation = pickUp.Headers.Location?.OriginalString;
        var issued = await AccessHttp.ExpectAsync(pickUp, HttpStatusCode.Created);
        Assert.Equal(AccessHttp.IssueMembers.Order(StringComparer.Ordinal), issued.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        var code = issued.Deserialize<IssuedCode>(GatewayInstance.Json)!;
        Assert.Equal($"/admin/codes/{code.Id}", codeLocation);
        Assert.Equal("orders-admin", code.Route);
        Assert.Equal(alice.User, code.User);
        Assert.Null(code.Ip);
        Assert.Equal(alice.User, code.IssuedBy);
        Assert.Contains("INC-4711", code.Reason, StringComparison.Ordinal);
        Assert.Contains(id, code.Reason, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromSeconds(OrdersMaxTtlSeconds), code.ExpiresAt - code.IssuedAt);

        var after = await AccessHttp.ReadAsync(Gateway, alice, id);
        Assert.Equal("issued", after.State());
        Assert.Equal(code.Id, after.GetProperty("codeId").GetString());

        var path = LatchHttp.UniquePath();
        using var proxy = Gateway.CreateProxyClient();
        using (var accepted = await proxy.PresentAsync(path, code.Code, alice.Token))
        {
            Assert.True(accepted.StatusCode == HttpStatusCode.OK, await LatchHttp.DescribeAsync(accepted));
        }

        Assert.Equal(code.Id, Assert.Single(fixture.Backend.ReceivedUnder(path)).Headers["X-Latch-Id"]);
        using (var again = await proxy.PresentAsync(LatchHttp.UniquePath(), code.Code, alice.Token))
        {
            Assert.Equal(HttpStatusCode.Forbidden, again.StatusCode);
        }

        var trail = await AccessHttp.WaitForTrailAsync(Gateway, id, events => events.Any(e => e.Type == "issued"));
        Assert.Equal(["access_requested", "access_approved", "access_granted", "issued"], trail.Select(e => e.Type));
        Assert.Equal([alice.User, bob.User, bob.User, alice.User], trail.Select(e => e.Actor));
        Assert.All(trail, e => Assert.Equal(alice.User, e.User));
        Assert.All(trail, e => Assert.Equal("orders-admin", e.Route));
        Assert.Equal(code.Id, trail[^1].CodeId);
    }

    [Fact]
    public async Task The_picked_up_code_without_the_requesters_token_is_refused_as_user_mismatch()
    {
        var alice = Engineer();
        var id = (await AccessHttp.CreatedAsync(Gateway, alice, new { route = "orders-admin", reason = "INC-1" })).Id();
        await AccessHttp.ApprovedAsync(Gateway, Carol(), id);
        var code = await AccessHttp.PickedUpAsync(Gateway, alice, id);
        var path = LatchHttp.UniquePath();
        using var proxy = Gateway.CreateProxyClient();

        using var refused = await proxy.PresentAsync(path, code.Code, bearer: null);

        var problem = await LatchHttp.AssertProblemAsync(refused, HttpStatusCode.Forbidden);
        Assert.Equal("latch_invalid", problem.GetProperty("error").GetString());
        Assert.Empty(fixture.Backend.ReceivedUnder(path));
        var audit = await AbuseHttp.WaitForAuditAsync(Gateway, e => e.Any(a => a.CodeId == code.Id && a.Type == "rejected"));
        Assert.Equal("user_mismatch", Assert.Single(audit, a => a.CodeId == code.Id && a.Type == "rejected").Reason);
    }

    [Fact]
    public async Task A_request_naming_an_ip_binds_its_code_to_that_ip_as_well()
    {
        var alice = Engineer();
        var id = (await AccessHttp.CreatedAsync(Gateway, alice, new { route = "orders-admin", reason = "INC-2", ip = "203.0.113.7" })).Id();
        await AccessHttp.ApprovedAsync(Gateway, Carol(), id);

        var code = await AccessHttp.PickedUpAsync(Gateway, alice, id);
        using var proxy = Gateway.CreateProxyClient();
        using var refused = await proxy.PresentAsync(LatchHttp.UniquePath(), code.Code, alice.Token);

        Assert.Equal("203.0.113.7", code.Ip);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        var audit = await AbuseHttp.WaitForAuditAsync(Gateway, e => e.Any(a => a.CodeId == code.Id && a.Type == "rejected"));
        Assert.Equal("ip_mismatch", Assert.Single(audit, a => a.CodeId == code.Id && a.Type == "rejected").Reason);
    }

    [Fact]
    public async Task A_policy_without_review_grants_at_once_and_BindUser_false_issues_a_code_for_no_user()
    {
        var anyone = Person.New("walk-in");

        var created = await AccessHttp.CreatedAsync(Gateway, anyone, new { route = "open-desk" });
        var code = await AccessHttp.PickedUpAsync(Gateway, anyone, created.Id());
        using var proxy = Gateway.CreateProxyClient();
        using var accepted = await proxy.PresentAsync(LatchHttp.UniquePath("/open-desk/"), code.Code, bearer: null);

        Assert.Equal("granted", created.State());
        Assert.Equal(0, created.GetProperty("approvalsNeeded").GetInt32());
        Assert.Equal(JsonValueKind.Null, created.GetProperty("reason").ValueKind);
        var createdAt = created.GetProperty("createdAt").GetDateTimeOffset();
        Assert.Equal(createdAt + TimeSpan.FromMinutes(15), created.GetProperty("expiresAt").GetDateTimeOffset());
        Assert.Null(code.User);
        Assert.Equal(anyone.User, code.IssuedBy);
        Assert.True(accepted.StatusCode == HttpStatusCode.OK, await LatchHttp.DescribeAsync(accepted));
        var trail = await AccessHttp.WaitForTrailAsync(Gateway, created.Id(), events => events.Any(e => e.Type == "issued"));
        Assert.Equal(["access_requested", "access_granted", "issued"], trail.Select(e => e.Type));
        Assert.Null(trail[1].Actor);
    }

    [Fact]
    public async Task Break_glass_where_the_policy_allows_it_is_granted_at_once_and_audited()
    {
        var alice = Engineer();

        var created = await AccessHttp.CreatedAsync(Gateway, alice, new { route = "exports", reason = "outage INC-9", breakGlass = true });
        var code = await AccessHttp.PickedUpAsync(Gateway, alice, created.Id());

        Assert.Equal("granted", created.State());
        Assert.True(created.GetProperty("breakGlass").GetBoolean());
        Assert.Equal(alice.User, created.GetProperty("decidedBy").GetString());
        Assert.Equal("outage INC-9", created.GetProperty("decisionReason").GetString());
        Assert.Empty(created.GetProperty("approvals").EnumerateArray());
        Assert.Equal(alice.User, code.User);
        var trail = await AccessHttp.WaitForTrailAsync(Gateway, created.Id(), events => events.Any(e => e.Type == "issued"));
        Assert.Equal(["access_requested", "break_glass", "issued"], trail.Select(e => e.Type));
        Assert.Equal(alice.User, trail[1].Actor);
        Assert.Contains("outage INC-9", trail[1].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_code_picked_up_for_a_Session_route_opens_a_session_of_the_requested_length()
    {
        var alice = Engineer();
        var id = (await AccessHttp.CreatedAsync(Gateway, alice, new { route = "console", reason = "INC-3", sessionSeconds = 90 })).Id();
        await AccessHttp.ApprovedAsync(Gateway, Sre(), id);
        var code = await AccessHttp.PickedUpAsync(Gateway, alice, id);
        var path = LatchHttp.UniquePath("/console/");
        using var client = SessionHttp.Client(Gateway.ProxyAddress);

        using var opened = await SessionHttp.SendAsync(client, HttpMethod.Get, $"{path}?latch_code={code.Code}", ("Authorization", $"Bearer {alice.Token}"));

        Assert.Equal(HttpStatusCode.SeeOther, opened.StatusCode);
        var token = SessionHttp.AssertSessionCookie(opened, "console", maxAge: 90);
        using var used = await SessionHttp.SendAsync(
            client, HttpMethod.Get, path, ("Cookie", $"Latch-Session-console={token}"), ("Authorization", $"Bearer {alice.Token}"));
        Assert.Equal(HttpStatusCode.OK, used.StatusCode);
        Assert.Equal(code.Id, Assert.Single(fixture.Backend.ReceivedUnder(path)).Headers["X-Latch-Id"]);
    }
}
