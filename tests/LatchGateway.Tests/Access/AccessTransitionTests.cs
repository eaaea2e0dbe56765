using System.Net;
using LatchGateway.Tests.Infrastructure;
using static LatchGateway.Tests.Access.AccessSettings;

namespace LatchGateway.Tests.Access;

/// <summary>
/// Every transition of a request and every refusal of one: who may deny, cancel, approve and pick up, once, in
/// which state; refusals are problem+json with the contract's <c>error</c> and change nothing.
/// </summary>
public sealed class AccessTransitionTests(AccessGatewayFixture fixture) : IClassFixture<AccessGatewayFixture>
{
    private const string Conflict = "access_conflict";
    private const string Forbidden = "access_forbidden";

    private GatewayInstance Gateway => fixture.Gateway;

    [Fact]
    public async Task A_denial_needs_a_reason_the_first_one_decides_and_nothing_follows_it()
    {
        var alice = Engineer();
        var bob = Sre();
        var id = await PendingAsync(alice);

        await AccessHttp.AssertInvalidAsync(await AccessHttp.PostAsync(Gateway, bob, $"access/requests/{id}/deny", new { }), "reason");
        await AccessHttp.AssertInvalidAsync(await AccessHttp.DenyAsync(Gateway, bob, id, "  "), "reason");
        using (var noBody = await AccessHttp.PostAsync(Gateway, bob, $"access/requests/{id}/deny"))
        {
            await LatchHttp.AssertProblemAsync(noBody, HttpStatusCode.BadRequest);
        }

        Assert.Equal("pending", (await AccessHttp.ReadAsync(Gateway, alice, id)).State());

        var denied = await AccessHttp.ExpectAsync(await AccessHttp.DenyAsync(Gateway, bob, id, "no change window"), HttpStatusCode.OK);
        Assert.Equal("denied", denied.State());
        Assert.Equal(bob.User, denied.GetProperty("decidedBy").GetString());
        Assert.Equal("no change window", denied.GetProperty("decisionReason").GetString());

        await AccessHttp.AssertErrorAsync(await AccessHttp.DenyAsync(Gateway, Carol(), id, "me too"), HttpStatusCode.Conflict, Conflict);
        await AccessHttp.AssertErrorAsync(await AccessHttp.ApproveAsync(Gateway, Carol(), id), HttpStatusCode.Conflict, Conflict);
        await AccessHttp.AssertErrorAsync(await AccessHttp.CancelAsync(Gateway, alice, id), HttpStatusCode.Conflict, Conflict);
        await AccessHttp.AssertErrorAsync(await AccessHttp.PickUpAsync(Gateway, alice, id), HttpStatusCode.Conflict, Conflict);
        var trail = await AccessHttp.WaitForTrailAsync(Gateway, id, events => events.Any(e => e.Type == "access_denied"));
        Assert.Equal(["access_requested", "access_denied"], trail.Select(e => e.Type));
        Assert.Equal(bob.User, trail[1].Actor);
        Assert.Contains("no change window", trail[1].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_the_requester_cancels_and_only_while_pending()
    {
        var alice = Engineer();
        var bob = Sre();
        var id = await PendingAsync(alice);

        await AccessHttp.AssertErrorAsync(await AccessHttp.CancelAsync(Gateway, bob, id), HttpStatusCode.Forbidden, Forbidden);
        await AccessHttp.AssertErrorAsync(await AccessHttp.CancelAsync(Gateway, Engineer("eve"), id), HttpStatusCode.Forbidden, Forbidden);
        var cancelled = await AccessHttp.ExpectAsync(await AccessHttp.CancelAsync(Gateway, alice, id), HttpStatusCode.OK);

        Assert.Equal("cancelled", cancelled.State());
        Assert.Equal(alice.User, cancelled.GetProperty("decidedBy").GetString());
        await AccessHttp.AssertErrorAsync(await AccessHttp.CancelAsync(Gateway, alice, id), HttpStatusCode.Conflict, Conflict);
        await AccessHttp.AssertErrorAsync(await AccessHttp.ApproveAsync(Gateway, bob, id), HttpStatusCode.Conflict, Conflict);
        var trail = await AccessHttp.WaitForTrailAsync(Gateway, id, events => events.Any(e => e.Type == "access_cancelled"));
        Assert.Equal(["access_requested", "access_cancelled"], trail.Select(e => e.Type));
        Assert.Equal(alice.User, trail[1].Actor);
    }

    [Fact]
    public async Task A_granted_request_cannot_be_cancelled()
    {
        var alice = Engineer();
        var id = await PendingAsync(alice);
        await AccessHttp.ApprovedAsync(Gateway, Carol(), id);

        await AccessHttp.AssertErrorAsync(await AccessHttp.CancelAsync(Gateway, alice, id), HttpStatusCode.Conflict, Conflict);
        Assert.Equal("granted", (await AccessHttp.ReadAsync(Gateway, alice, id)).State());
    }

    [Fact]
    public async Task An_approver_who_asked_gets_self_approval_and_a_non_approver_access_forbidden()
    {
        var dave = Person.New("dave", "engineering", "sre");
        var alice = Engineer();
        var id = await PendingAsync(dave);
        var other = await PendingAsync(alice);

        await AccessHttp.AssertErrorAsync(await AccessHttp.ApproveAsync(Gateway, dave, id), HttpStatusCode.Forbidden, "self_approval");
        await AccessHttp.AssertErrorAsync(await AccessHttp.DenyAsync(Gateway, dave, id, "mine"), HttpStatusCode.Forbidden, "self_approval");
        await AccessHttp.AssertErrorAsync(await AccessHttp.ApproveAsync(Gateway, alice, other), HttpStatusCode.Forbidden, Forbidden);
        await AccessHttp.AssertErrorAsync(await AccessHttp.ApproveAsync(Gateway, Engineer("erin"), id), HttpStatusCode.Forbidden, Forbidden);
        await AccessHttp.AssertErrorAsync(await AccessHttp.DenyAsync(Gateway, Engineer("erin"), id, "no"), HttpStatusCode.Forbidden, Forbidden);

        Assert.Equal("pending", (await AccessHttp.ReadAsync(Gateway, dave, id)).State());
        Assert.Empty((await AccessHttp.ReadAsync(Gateway, dave, id)).GetProperty("approvals").EnumerateArray());
    }

    [Fact]
    public async Task Two_approvals_need_two_distinct_approvers_and_each_approves_once()
    {
        var alice = Engineer();
        var bob = Sre();
        var frank = Sre("frank");
        var id = (await AccessHttp.CreatedAsync(Gateway, alice, new { route = "exports", reason = "INC-5" })).Id();

        var once = await AccessHttp.ApprovedAsync(Gateway, bob, id);
        Assert.Equal("pending", once.State());
        Assert.Equal(2, once.GetProperty("approvalsNeeded").GetInt32());
        await AccessHttp.AssertErrorAsync(await AccessHttp.ApproveAsync(Gateway, bob, id), HttpStatusCode.Conflict, Conflict);
        await AccessHttp.AssertErrorAsync(await AccessHttp.PickUpAsync(Gateway, alice, id), HttpStatusCode.Conflict, Conflict);
        await AccessHttp.AssertErrorAsync(await AccessHttp.ApproveAsync(Gateway, Carol(), id), HttpStatusCode.Forbidden, Forbidden);

        var twice = await AccessHttp.ApprovedAsync(Gateway, frank, id, "second pair of eyes");
        Assert.Equal("granted", twice.State());
        Assert.Equal([bob.User, frank.User], twice.GetProperty("approvals").EnumerateArray().Select(a => a.GetProperty("by").GetString()));
        await AccessHttp.AssertErrorAsync(await AccessHttp.ApproveAsync(Gateway, Sre("gina"), id), HttpStatusCode.Conflict, Conflict);
        await AccessHttp.AssertErrorAsync(await AccessHttp.DenyAsync(Gateway, Sre("gina"), id, "late"), HttpStatusCode.Conflict, Conflict);

        var code = await AccessHttp.PickedUpAsync(Gateway, alice, id);
        Assert.Equal("exports", code.Route);
        var trail = await AccessHttp.WaitForTrailAsync(Gateway, id, events => events.Any(e => e.Type == "issued"));
        Assert.Equal(["access_requested", "access_approved", "access_approved", "access_granted", "issued"], trail.Select(e => e.Type));
        Assert.Equal(frank.User, trail[3].Actor);
    }

    [Fact]
    public async Task A_code_is_picked_up_once_only_by_its_requester_and_only_once_granted()
    {
        var alice = Engineer();
        var id = await PendingAsync(alice);

        await AccessHttp.AssertErrorAsync(await AccessHttp.PickUpAsync(Gateway, alice, id), HttpStatusCode.Conflict, Conflict);
        await AccessHttp.ApprovedAsync(Gateway, Carol(), id);
        await AccessHttp.AssertErrorAsync(await AccessHttp.PickUpAsync(Gateway, Engineer("mallory"), id), HttpStatusCode.Forbidden, Forbidden);
        await AccessHttp.AssertErrorAsync(await AccessHttp.PickUpAsync(Gateway, Carol(), id), HttpStatusCode.Forbidden, Forbidden);
        await AccessHttp.PickedUpAsync(Gateway, alice, id);
        await AccessHttp.AssertErrorAsync(await AccessHttp.PickUpAsync(Gateway, alice, id), HttpStatusCode.Conflict, Conflict);

        using var admin = Gateway.CreateAdminClient();
        var live = await AccessHttp.ExpectAsync(await admin.GetAsync($"admin/codes?user={alice.User}"), HttpStatusCode.OK);
        var codeId = Assert.Single(live.EnumerateArray()).GetProperty("id").GetString();
        Assert.Equal((await AccessHttp.ReadAsync(Gateway, alice, id)).GetProperty("codeId").GetString(), codeId);
    }

    [Fact]
    public async Task Concurrent_pickups_issue_exactly_one_code_and_concurrent_approvals_count_once_each()
    {
        var alice = Engineer();
        var bob = Sre();
        var approvers = Enumerable.Range(0, 8).Select(i => Sre($"sre{i}")).ToList();
        var id = (await AccessHttp.CreatedAsync(Gateway, alice, new { route = "exports", reason = "INC-6" })).Id();

        var repeated = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ => (await AccessHttp.ApproveAsync(Gateway, bob, id)).StatusCode));
        Assert.Equal(1, repeated.Count(s => s == HttpStatusCode.OK));
        Assert.All(repeated.Where(s => s != HttpStatusCode.OK), s => Assert.Equal(HttpStatusCode.Conflict, s));
        Assert.Equal("pending", (await AccessHttp.ReadAsync(Gateway, alice, id)).State());

        var approvals = await Task.WhenAll(approvers.Select(async p => (await AccessHttp.ApproveAsync(Gateway, p, id)).StatusCode));
        var pickups = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ => (await AccessHttp.PickUpAsync(Gateway, alice, id)).StatusCode));

        Assert.Equal(1, approvals.Count(s => s == HttpStatusCode.OK));
        Assert.All(approvals.Where(s => s != HttpStatusCode.OK), s => Assert.Equal(HttpStatusCode.Conflict, s));
        Assert.Equal(2, (await AccessHttp.ReadAsync(Gateway, alice, id)).GetProperty("approvals").GetArrayLength());
        Assert.Equal(1, pickups.Count(s => s == HttpStatusCode.Created));
        Assert.All(pickups.Where(s => s != HttpStatusCode.Created), s => Assert.Equal(HttpStatusCode.Conflict, s));
        using var admin = Gateway.CreateAdminClient();
        var live = await AccessHttp.ExpectAsync(await admin.GetAsync($"admin/codes?user={alice.User}"), HttpStatusCode.OK);
        Assert.Equal(1, live.GetArrayLength());
    }

    [Fact]
    public async Task Unknown_ids_are_404_for_every_call()
    {
        var alice = Engineer();
        var bob = Sre();
        const string Id = "0000000000000000000a";

        await AssertNotFoundAsync(await AccessHttp.GetAsync(Gateway, alice, $"access/requests/{Id}"));
        await AssertNotFoundAsync(await AccessHttp.ApproveAsync(Gateway, bob, Id));
        await AssertNotFoundAsync(await AccessHttp.DenyAsync(Gateway, bob, Id, "no"));
        await AssertNotFoundAsync(await AccessHttp.CancelAsync(Gateway, alice, Id));
        await AssertNotFoundAsync(await AccessHttp.PickUpAsync(Gateway, alice, Id));
    }

    private static async Task AssertNotFoundAsync(HttpResponseMessage response)
    {
        using (response)
        {
            await LatchHttp.AssertProblemAsync(response, HttpStatusCode.NotFound);
        }
    }

    private async Task<string> PendingAsync(Person requester) =>
        (await AccessHttp.CreatedAsync(Gateway, requester, new { route = "orders-admin", reason = "INC-4711" })).Id();
}
