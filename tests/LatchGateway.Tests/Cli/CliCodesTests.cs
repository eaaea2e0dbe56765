using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using LatchGateway.Tests.Access;
using LatchGateway.Tests.Infrastructure;

namespace LatchGateway.Tests.Cli;

/// <summary><c>latchctl routes</c> and <c>latchctl codes …</c> against a real gateway: JSON as the API returns it, tables, exit codes.</summary>
public sealed partial class CliCodesTests(AccessGatewayFixture fixture) : IClassFixture<AccessGatewayFixture>
{
    private GatewayInstance Gateway => fixture.Gateway;

    private Dictionary<string, string?> Ops => CliRun.Operator(Gateway);

    [Fact]
    public async Task Routes_lists_every_route_and_whether_it_is_latched_as_json_and_as_a_table()
    {
        var json = (await CliRun.RunAsync(Ops, "routes")).Succeeded().Json;
        var routes = json.EnumerateArray().ToDictionary(r => r.GetProperty("id").GetString()!);
        Assert.True(routes["orders-admin"].GetProperty("latch").GetBoolean());
        Assert.Equal("/orders/admin/{**rest}", routes["orders-admin"].GetProperty("path").GetString());
        Assert.False(routes["public"].GetProperty("latch").GetBoolean());

        var table = (await CliRun.RunAsync(Ops, ["routes"], terminal: true)).Succeeded().Out;
        Assert.Matches(@"orders-admin\s*│\s*yes\s*│\s*/orders/admin/\{\*\*rest\}", table);
        Assert.Matches(@"public\s*│\s*no\s*│", table);
    }

    [Fact]
    public async Task Codes_issue_sends_every_flag_and_prints_the_issue_response_as_returned()
    {
        var reason = $"INC-{Guid.NewGuid():N}";
        var issued = (await CliRun.RunAsync(Ops, "codes", "issue", "--route", "orders-admin", "--user", "alice", "--ip", "203.0.113.0/24", "--ttl", "1m30s", "--reason", reason))
            .Succeeded().Json;

        Assert.Equal(AccessHttp.IssueMembers.Order(StringComparer.Ordinal), issued.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Matches(CodePattern(), issued.GetProperty("code").GetString()!);
        Assert.Equal("orders-admin", issued.GetProperty("route").GetString());
        Assert.Equal("alice", issued.GetProperty("user").GetString());
        Assert.Equal("203.0.113.0/24", issued.GetProperty("ip").GetString());
        Assert.Equal("ops", issued.GetProperty("issuedBy").GetString());
        Assert.Equal(reason, issued.GetProperty("reason").GetString());
        Assert.Equal(TimeSpan.FromSeconds(90), issued.GetProperty("expiresAt").GetDateTimeOffset() - issued.GetProperty("issuedAt").GetDateTimeOffset());

        // JSON output is the API's own: the same document GET /admin/codes/{id} answers, member for member.
        using var admin = Gateway.CreateAdminClient();
        var fromApi = JsonSerializer.Deserialize<JsonElement>(await admin.GetStringAsync($"admin/codes/{issued.GetProperty("id").GetString()}"));
        var shown = (await CliRun.RunAsync(Ops, "codes", "show", issued.GetProperty("id").GetString()!)).Succeeded().Json;
        Assert.True(JsonElement.DeepEquals(fromApi, shown), $"{fromApi}\n{shown}");
    }

    [Fact]
    public async Task Codes_issue_as_a_table_shows_the_code_and_its_expiry_relative_to_now()
    {
        var table = (await CliRun.RunAsync(Ops, ["codes", "issue", "--route", "exports", "--ttl", "2m", "--reason", "table"], terminal: true)).Succeeded().Out;

        Assert.Matches(@"Code\s+[0-9A-Z]{5}-[0-9A-Z]{5}", table);
        Assert.Matches(@"Expires\s+in (1m [0-5]\ds|2m)", table);
        Assert.Matches(@"Issued\s+(now|\ds ago)", table);
        Assert.Matches(@"Reason\s+table", table);
        Assert.DoesNotContain("\"code\"", table, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Codes_issue_quiet_prints_only_the_code_and_the_code_opens_the_route_once()
    {
        var result = (await CliRun.RunAsync(Ops, "codes", "issue", "-q", "--route", "orders-admin")).Succeeded();
        var code = result.Out.TrimEnd('\n');
        Assert.Matches(CodePattern(), code);
        Assert.Equal(code + "\n", result.Out);

        using var proxy = Gateway.CreateProxyClient();
        using var first = await proxy.GetWithCodeAsync("/orders/admin/quiet", code);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        using var second = await proxy.GetWithCodeAsync("/orders/admin/quiet", code);
        Assert.Equal(HttpStatusCode.Forbidden, second.StatusCode);
    }

    [Fact]
    public async Task Codes_list_filters_by_route_and_user_and_never_shows_a_code()
    {
        var user = $"user-{Guid.NewGuid():N}";
        var mine = (await CliRun.RunAsync(Ops, "codes", "issue", "--route", "exports", "--user", user)).Succeeded().Json;
        (await CliRun.RunAsync(Ops, "codes", "issue", "--route", "orders-admin", "--user", user)).Succeeded();

        var listed = (await CliRun.RunAsync(Ops, "codes", "list", "--route", "exports", "--user", user)).Succeeded();
        var only = Assert.Single(listed.Json.EnumerateArray());
        Assert.Equal(mine.GetProperty("id").GetString(), only.GetProperty("id").GetString());
        Assert.False(only.TryGetProperty("code", out _));
        Assert.DoesNotContain(mine.GetProperty("code").GetString()!, listed.Out, StringComparison.Ordinal);

        var table = (await CliRun.RunAsync(Ops, ["codes", "list", "--user", user], terminal: true)).Succeeded().Out;
        Assert.Contains(mine.GetProperty("id").GetString()!, table, StringComparison.Ordinal);
        Assert.Matches(@"│\s*(now|\ds ago)\s*│\s*in (1m [0-5]\ds|2m)\s*│\s*ops\s*│", table);
        Assert.Equal(2, Regex.Count(table, Regex.Escape(user)));

        var none = (await CliRun.RunAsync(Ops, ["codes", "list", "--user", "nobody-" + user], terminal: true)).Succeeded().Out;
        Assert.Contains("No live codes.", none, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Codes_revoke_ends_a_code_and_then_show_and_revoke_are_refused_with_the_api_problem()
    {
        var issued = (await CliRun.RunAsync(Ops, "codes", "issue", "--route", "orders-admin")).Succeeded().Json;
        var id = issued.GetProperty("id").GetString()!;

        var revoked = (await CliRun.RunAsync(Ops, ["codes", "revoke", id], terminal: true)).Succeeded();
        Assert.Equal($"Revoked code {id}.\n", revoked.Out);

        (await CliRun.RunAsync(Ops, "codes", "show", id)).Refused(404, "No live code has this id.");
        (await CliRun.RunAsync(Ops, "codes", "revoke", id)).Refused(404);
        using var proxy = Gateway.CreateProxyClient();
        using var response = await proxy.GetWithCodeAsync("/orders/admin/revoked", issued.GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task An_unknown_or_unlatched_route_is_the_apis_400_naming_the_field_exit_code_1()
    {
        var unknown = (await CliRun.RunAsync(Ops, "codes", "issue", "--route", "nope")).Refused(400);
        Assert.Contains("route: ", unknown.Error, StringComparison.Ordinal);

        var tooLong = (await CliRun.RunAsync(Ops, "codes", "issue", "--route", "orders-admin", "--ttl", "1h")).Refused(400);
        Assert.Contains("ttlSeconds: ", tooLong.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_without_the_scope_is_refused_403_and_no_key_401_with_a_hint()
    {
        (await CliRun.RunAsync(CliRun.Operator(Gateway, "reader"), "codes", "issue", "--route", "orders-admin")).Refused(403);

        var noKey = new Dictionary<string, string?> { ["LATCH_ADMIN_URL"] = Gateway.AdminAddress.ToString() };
        var refused = (await CliRun.RunAsync(noKey, "routes")).Refused(401);
        Assert.Contains("LATCH_API_KEY", refused.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sessions_list_shows_the_session_a_code_opened_and_sessions_end_ends_it()
    {
        var issued = (await CliRun.RunAsync(Ops, "codes", "issue", "--route", "console", "--session", "5m")).Succeeded().Json;
        var codeId = issued.GetProperty("id").GetString()!;
        using var proxy = Gateway.CreateProxyClient();
        using (var opening = await proxy.GetWithCodeAsync("/console/page", issued.GetProperty("code").GetString()))
        {
            Assert.Equal(HttpStatusCode.OK, opening.StatusCode);
        }

        var sessions = (await CliRun.RunAsync(Ops, "sessions", "list", "--route", "console")).Succeeded().Json;
        var session = Assert.Single(sessions.EnumerateArray(), s => s.GetProperty("codeId").GetString() == codeId);
        Assert.Equal(TimeSpan.FromMinutes(5), session.GetProperty("expiresAt").GetDateTimeOffset() - session.GetProperty("openedAt").GetDateTimeOffset());
        var id = session.GetProperty("id").GetString()!;

        var table = (await CliRun.RunAsync(Ops, ["sessions", "list", "--route", "console"], terminal: true)).Succeeded().Out;
        var line = Assert.Single(table.Split('\n'), l => l.Contains(id, StringComparison.Ordinal));
        Assert.Matches($@"│\s*console\s*│.*│\s*{codeId}\s*│\s*(now|\d+s ago)\s*│\s*in [45]m", line);

        Assert.Equal($"Ended session {id}.\n", (await CliRun.RunAsync(Ops, ["sessions", "end", id], terminal: true)).Succeeded().Out);
        var after = (await CliRun.RunAsync(Ops, "sessions", "list", "--route", "console")).Succeeded().Json;
        Assert.DoesNotContain(after.EnumerateArray(), s => s.GetProperty("id").GetString() == id);
        (await CliRun.RunAsync(Ops, "sessions", "end", id)).Refused(404);
    }

    [GeneratedRegex("^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$")]
    private static partial Regex CodePattern();
}
