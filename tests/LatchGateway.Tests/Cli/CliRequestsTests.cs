using System.Net;
using System.Text.Json;
using LatchGateway.Tests.Access;
using LatchGateway.Tests.Infrastructure;
using static LatchGateway.Tests.Access.AccessSettings;

namespace LatchGateway.Tests.Cli;

/// <summary>
/// <c>latchctl requests …</c> with people's JWTs against a real gateway (<see cref="AccessSettings"/>'s policies):
/// every verb, the API's refusals as exit code 1, and <c>create --wait</c> picking up the code once another person approves.
/// </summary>
public sealed class CliRequestsTests(AccessGatewayFixture fixture) : IClassFixture<AccessGatewayFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private GatewayInstance Gateway => fixture.Gateway;

    [Fact]
    public async Task Create_prints_the_request_as_returned_and_quiet_prints_only_its_id()
    {
        var alice = Engineer();
        var created = (await CliRun.RunAsync(CliRun.As(Gateway, alice), "requests", "create", "--route", "orders-admin", "--reason", "INC-1", "--ttl", "90s", "--ip", "127.0.0.1"))
            .Succeeded().Json;
        Assert.Equal(AccessHttp.RequestMembers.Order(StringComparer.Ordinal), created.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal("pending", created.State());
        Assert.Equal(alice.User, created.GetProperty("requester").GetString());
        Assert.Equal(90, created.GetProperty("ttlSeconds").GetInt32());
        Assert.Equal("127.0.0.1", created.GetProperty("ip").GetString());
        Assert.Equal("INC-1", created.GetProperty("reason").GetString());

        var quiet = (await CliRun.RunAsync(CliRun.As(Gateway, alice), "requests", "create", "-q", "--route", "console", "--reason", "INC-2", "--session", "5m")).Succeeded();
        var id = quiet.Out.TrimEnd('\n');
        Assert.Equal(id + "\n", quiet.Out);
        var read = await AccessHttp.ReadAsync(Gateway, alice, id);
        Assert.Equal(300, read.GetProperty("sessionSeconds").GetInt32());
    }

    [Fact]
    public async Task Show_list_approve_and_pickup_walk_a_request_to_a_code_that_works_for_its_requester()
    {
        var alice = Engineer();
        var bob = Sre();
        var id = (await CliRun.RunAsync(CliRun.As(Gateway, alice), "requests", "create", "-q", "--route", "orders-admin", "--reason", "INC-3")).Succeeded().Out.Trim();

        var mine = (await CliRun.RunAsync(CliRun.As(Gateway, alice), "requests", "list", "--mine")).Succeeded().Json;
        Assert.Equal(id, Assert.Single(mine.EnumerateArray()).Id());
        var reviewable = (await CliRun.RunAsync(CliRun.As(Gateway, bob), "requests", "list", "--reviewable", "--state", "pending", "--route", "orders-admin")).Succeeded().Json;
        Assert.Contains(reviewable.EnumerateArray(), r => r.Id() == id);

        var table = (await CliRun.RunAsync(CliRun.As(Gateway, bob), ["requests", "list", "--reviewable"], terminal: true)).Succeeded().Out;
        var line = Assert.Single(table.Split('\n'), l => l.Contains(id, StringComparison.Ordinal));
        Assert.Matches($@"│\s*orders-admin\s*│\s*{alice.User}\s*│\s*pending\s*│\s*0/1\s*│\s*(now|\d+s ago)\s*│\s*in (59m \d+s|1h)\s*│\s*INC-3", line);

        var shown = (await CliRun.RunAsync(CliRun.As(Gateway, alice), "requests", "show", id)).Succeeded().Json;
        Assert.True(JsonElement.DeepEquals(await AccessHttp.ReadAsync(Gateway, alice, id), shown));

        var approved = (await CliRun.RunAsync(CliRun.As(Gateway, bob), "requests", "approve", id, "--reason", "ok for INC-3")).Succeeded().Json;
        Assert.Equal("granted", approved.State());
        var approval = Assert.Single(approved.GetProperty("approvals").EnumerateArray());
        Assert.Equal(bob.User, approval.GetProperty("by").GetString());
        Assert.Equal("ok for INC-3", approval.GetProperty("reason").GetString());

        var granted = (await CliRun.RunAsync(CliRun.As(Gateway, alice), ["requests", "show", id], terminal: true)).Succeeded().Out;
        Assert.Matches(@"State\s+granted", granted);
        Assert.Matches(@"Pick up before\s+in 1[45]m", granted);
        Assert.Matches($@"{bob.User}, (now|\d+s ago): ok for INC-3", granted);

        var picked = (await CliRun.RunAsync(CliRun.As(Gateway, alice), "requests", "pickup", id)).Succeeded().Json;
        Assert.Equal(AccessHttp.IssueMembers.Order(StringComparer.Ordinal), picked.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(alice.User, picked.GetProperty("user").GetString());
        using var proxy = Gateway.CreateProxyClient();
        using var response = await proxy.GetWithCodeAsync("/orders/admin/cli", picked.GetProperty("code").GetString(), ("Authorization", $"Bearer {alice.Token}"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        (await CliRun.RunAsync(CliRun.As(Gateway, alice), "requests", "pickup", id, "-q")).Refused(409, "access_conflict");
    }

    [Fact]
    public async Task Deny_and_cancel_end_requests_and_the_apis_refusals_are_exit_code_1_with_their_error()
    {
        var alice = Engineer();
        var bob = Sre();
        var first = (await CliRun.RunAsync(CliRun.As(Gateway, alice), "requests", "create", "-q", "--route", "orders-admin", "--reason", "INC-4")).Succeeded().Out.Trim();
        var second = (await CliRun.RunAsync(CliRun.As(Gateway, alice), "requests", "create", "-q", "--route", "orders-admin", "--reason", "INC-5")).Succeeded().Out.Trim();

        var forbidden = (await CliRun.RunAsync(CliRun.As(Gateway, alice), "requests", "approve", first)).Refused(403, "access_forbidden");
        Assert.Contains("Error: Forbidden (403, access_forbidden)", forbidden.Error, StringComparison.Ordinal);

        var denied = (await CliRun.RunAsync(CliRun.As(Gateway, bob), "requests", "deny", first, "--reason", "not during the freeze")).Succeeded().Json;
        Assert.Equal("denied", denied.State());
        Assert.Equal(bob.User, denied.GetProperty("decidedBy").GetString());
        Assert.Equal("not during the freeze", denied.GetProperty("decisionReason").GetString());
        (await CliRun.RunAsync(CliRun.As(Gateway, bob), "requests", "approve", first)).Refused(409, "access_conflict");

        var cancelled = (await CliRun.RunAsync(CliRun.As(Gateway, alice), ["requests", "cancel", second], terminal: true)).Succeeded().Out;
        Assert.Matches(@"State\s+cancelled", cancelled);
        (await CliRun.RunAsync(CliRun.As(Gateway, alice), "requests", "cancel", second)).Refused(409, "access_conflict");

        var noReason = await CliRun.RunAsync(CliRun.As(Gateway, bob), "requests", "deny", second);
        Assert.True(noReason.ExitCode == 2, noReason.ToString());
        Assert.Contains("--reason", noReason.Error, StringComparison.Ordinal);

        (await CliRun.RunAsync(CliRun.As(Gateway, alice), "requests", "create", "--route", "vault", "--reason", "x")).Refused(400, "route: ");
        (await CliRun.RunAsync(CliRun.As(Gateway, Sre()), "requests", "create", "--route", "orders-admin", "--reason", "x")).Refused(403, "access_forbidden");
        (await CliRun.RunAsync(CliRun.As(Gateway, alice), "requests", "show", "no-such-request")).Refused(404);
    }

    [Fact]
    public async Task Self_approval_is_refused_with_its_error()
    {
        // carol approves orders-admin; a requester who is also an approver meets self_approval.
        var both = Person.New("dana", "engineering", "sre");
        var id = (await CliRun.RunAsync(CliRun.As(Gateway, both), "requests", "create", "-q", "--route", "orders-admin", "--reason", "INC-6")).Succeeded().Out.Trim();
        (await CliRun.RunAsync(CliRun.As(Gateway, both), "requests", "approve", id)).Refused(403, "self_approval");
    }

    [Fact]
    public async Task An_access_read_key_lists_every_request_without_a_token_and_nobody_at_all_is_401_with_a_hint()
    {
        var alice = Engineer();
        var id = (await CliRun.RunAsync(CliRun.As(Gateway, alice), "requests", "create", "-q", "--route", "orders-admin", "--reason", "INC-7")).Succeeded().Out.Trim();
        var auditor = new Dictionary<string, string?> { ["LATCH_ADMIN_URL"] = Gateway.AdminAddress.ToString(), ["LATCH_API_KEY"] = AccessHttp.AuditorKey };

        var all = (await CliRun.RunAsync(auditor, "requests", "list", "--limit", "1000")).Succeeded().Json;
        Assert.Contains(all.EnumerateArray(), r => r.Id() == id);

        // With a token as well, the token acts: the person, not the key.
        var both = new Dictionary<string, string?>(auditor) { ["LATCH_TOKEN"] = Sre().Token };
        (await CliRun.RunAsync(both, "requests", "approve", id)).Succeeded();

        var nobody = new Dictionary<string, string?> { ["LATCH_ADMIN_URL"] = Gateway.AdminAddress.ToString() };
        var refused = (await CliRun.RunAsync(nobody, "requests", "list")).Refused(401);
        Assert.Contains("LATCH_TOKEN", refused.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_wait_picks_up_the_code_once_another_person_approves_and_quiet_prints_only_the_code()
    {
        var alice = Engineer();
        var bob = Sre();
        var waiting = CliRun.RunAsync(CliRun.As(Gateway, alice), "requests", "create", "--route", "orders-admin", "--reason", "INC-8", "--wait", "-q");

        var id = await PendingOfAsync(bob, alice);
        await Task.Delay(CliRun.Poll * 2);
        Assert.False(waiting.IsCompleted, "latchctl stopped waiting before the decision");
        await AccessHttp.ApprovedAsync(Gateway, bob, id, "go ahead");

        var result = (await waiting.WaitAsync(Patience)).Succeeded();
        var code = result.Out.TrimEnd('\n');
        Assert.Matches("^[0-9A-Z]{5}-[0-9A-Z]{5}$", code);
        Assert.Equal("", result.Error);
        Assert.Equal("issued", (await AccessHttp.ReadAsync(Gateway, alice, id)).State());

        using var proxy = Gateway.CreateProxyClient();
        using var response = await proxy.GetWithCodeAsync("/orders/admin/waited", code, ("Authorization", $"Bearer {alice.Token}"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Create_wait_prints_the_issue_response_and_a_denial_is_exit_code_1_with_the_reason()
    {
        var alice = Engineer();
        var bob = Sre();

        var granted = CliRun.RunAsync(CliRun.As(Gateway, alice), "requests", "create", "--route", "orders-admin", "--reason", "INC-9", "--wait");
        await AccessHttp.ApprovedAsync(Gateway, bob, await PendingOfAsync(bob, alice));
        var issued = (await granted.WaitAsync(Patience)).Succeeded().Json;
        Assert.Equal(AccessHttp.IssueMembers.Order(StringComparer.Ordinal), issued.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(alice.User, issued.GetProperty("issuedBy").GetString());

        var denied = CliRun.RunAsync(CliRun.As(Gateway, alice), "requests", "create", "--route", "orders-admin", "--reason", "INC-10", "--wait", "-q");
        using (var deny = await AccessHttp.DenyAsync(Gateway, bob, await PendingOfAsync(bob, alice), "use the runbook"))
        {
            Assert.Equal(HttpStatusCode.OK, deny.StatusCode);
        }

        var result = await denied.WaitAsync(Patience);
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal("", result.Out);
        Assert.Contains($"was denied by {bob.User}: use the runbook", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_wait_on_a_policy_without_review_picks_up_at_once_and_cancelling_the_wait_is_exit_code_130()
    {
        var anyone = Person.New("erin");
        var open = (await CliRun.RunAsync(CliRun.As(Gateway, anyone), "requests", "create", "--route", "open-desk", "--wait", "-q").WaitAsync(Patience)).Succeeded();
        Assert.Matches("^[0-9A-Z]{5}-[0-9A-Z]{5}\n$", open.Out);

        using var stop = new CancellationTokenSource();
        var alice = Engineer();
        var waiting = CliRun.RunAsync(CliRun.As(Gateway, alice), ["requests", "create", "--route", "orders-admin", "--reason", "INC-11", "--wait"], terminal: false, cancellationToken: stop.Token);
        var id = await PendingOfAsync(Sre(), alice);
        await Task.Delay(CliRun.Poll * 3);
        await stop.CancelAsync();
        var result = await waiting.WaitAsync(Patience);
        Assert.True(result.ExitCode == 130, result.ToString());
        Assert.Contains($"latchctl requests pickup {id}", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_wait_tells_a_terminal_what_it_waits_for_on_stderr_and_keeps_stdout_for_the_code()
    {
        var alice = Engineer();
        var waiting = CliRun.RunAsync(
            CliRun.As(Gateway, alice), ["requests", "create", "--route", "orders-admin", "--reason", "INC-12", "--wait", "-q"], terminal: true, stderrTerminal: true);
        var id = await PendingOfAsync(Sre(), alice);
        await AccessHttp.ApprovedAsync(Gateway, Sre(), id);

        var result = (await waiting.WaitAsync(Patience)).Succeeded();
        Assert.Matches("^[0-9A-Z]{5}-[0-9A-Z]{5}\n$", result.Out);
        Assert.Contains($"Waiting for approval of {id} (0/1, expires in 59m", result.Error, StringComparison.Ordinal);
    }

    /// <summary>The id of <paramref name="requester"/>'s pending request, as <paramref name="approver"/> finds it to review.</summary>
    private async Task<string> PendingOfAsync(Person approver, Person requester)
    {
        string? id = null;
        Assert.True(
            await LatchHttp.EventuallyAsync(
                async () =>
                {
                    var reviewable = await AccessHttp.ExpectAsync(await AccessHttp.GetAsync(Gateway, approver, "access/requests?reviewable=true"), HttpStatusCode.OK);
                    id = reviewable.EnumerateArray().Where(r => r.GetProperty("requester").GetString() == requester.User).Select(r => r.Id()).FirstOrDefault();
                    return id is not null;
                },
                Patience),
            $"no pending request of {requester.User}");
        return id!;
    }
}
