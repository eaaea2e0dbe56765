using System.Globalization;
using System.Text.Json;
using LatchGateway.Tests.Access;
using LatchGateway.Tests.Infrastructure;

namespace LatchGateway.Tests.Cli;

/// <summary><c>latchctl audit</c>, <c>audit --follow</c> and <c>audit export</c> against a real gateway.</summary>
public sealed class CliAuditTests(AccessGatewayFixture fixture) : IClassFixture<AccessGatewayFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private GatewayInstance Gateway => fixture.Gateway;

    private Dictionary<string, string?> Ops => CliRun.Operator(Gateway);

    [Fact]
    public async Task Audit_filters_by_route_user_type_and_since_and_prints_events_as_returned()
    {
        var user = $"audited-{Guid.NewGuid():N}";
        var issued = await Gateway.IssueAsync("exports", user: user);
        using (var proxy = Gateway.CreateProxyClient())
        using (await proxy.GetWithCodeAsync("/exports/report", issued.Code, ("Authorization", $"Bearer {TestJwt.For(user)}")))
        {
        }

        var events = await EventuallyAsync(["audit", "--route", "exports", "--user", user, "--since", "1m"], e => e.GetArrayLength() == 2);
        Assert.Equal(["accepted", "issued"], events.EnumerateArray().Select(e => e.GetProperty("type").GetString()));
        Assert.All(events.EnumerateArray(), e => Assert.Equal(issued.Id, e.GetProperty("codeId").GetString()));
        Assert.Equal(
            ["time", "type", "codeId", "route", "user", "clientIp", "reason", "actor", "traceId"],
            events[0].EnumerateObject().Select(p => p.Name));

        var onlyIssued = (await CliRun.RunAsync(Ops, "audit", "--user", user, "--type", "issued")).Succeeded().Json;
        Assert.Equal("issued", Assert.Single(onlyIssued.EnumerateArray()).GetProperty("type").GetString());
        var newest = (await CliRun.RunAsync(Ops, "audit", "--user", user, "--limit", "1")).Succeeded().Json;
        Assert.Equal("accepted", Assert.Single(newest.EnumerateArray()).GetProperty("type").GetString());

        var later = DateTimeOffset.UtcNow.AddMinutes(1).ToString("O", CultureInfo.InvariantCulture);
        Assert.Empty((await CliRun.RunAsync(Ops, "audit", "--user", user, "--since", later)).Succeeded().Json.EnumerateArray());

        var table = (await CliRun.RunAsync(Ops, ["audit", "--user", user], terminal: true)).Succeeded().Out;
        Assert.Matches($@"│\s*(now|\d+s ago)\s*│\s*accepted\s*│\s*exports\s*│\s*{user}\s*│\s*{issued.Id}", table);
        Assert.Matches($@"│\s*(now|\d+s ago)\s*│\s*issued\s*│\s*exports\s*│\s*{user}\s*│\s*{issued.Id}\s*│\s*127\.0\.0\.1\s*│\s*ops", table);
    }

    [Fact]
    public async Task Bad_filters_are_usage_errors_or_the_apis_400()
    {
        var badSince = await CliRun.RunAsync(Ops, "audit", "--since", "yesterday");
        Assert.True(badSince.ExitCode == 2, badSince.ToString());
        Assert.Contains("--since", badSince.Error, StringComparison.Ordinal);

        var badType = (await CliRun.RunAsync(Ops, "audit", "--type", "nonsense")).Refused(400);
        Assert.Contains("type: One of: issued", badType.Error, StringComparison.Ordinal);
        (await CliRun.RunAsync(Ops, "audit", "--limit", "5000")).Refused(400);
    }

    [Fact]
    public async Task Audit_export_streams_the_range_as_json_lines_or_csv_to_stdout_or_a_file()
    {
        var reason = $"export-{Guid.NewGuid():N}";
        using (var admin = Gateway.CreateAdminClient())
        using (await admin.PostAsync("admin/codes", JsonContent(new { route = "exports", reason })))
        {
        }

        await EventuallyAsync(["audit", "--type", "issued", "--limit", "1000"], e => e.EnumerateArray().Any(x => x.GetProperty("reason").GetString() == reason));

        var lines = (await CliRun.RunAsync(Ops, "audit", "export", "--since", "10m")).Succeeded().Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var exported = lines.Select(l => JsonSerializer.Deserialize<JsonElement>(l)).ToList();
        Assert.Contains(exported, e => e.GetProperty("reason").GetString() == reason);
        var times = exported.Select(e => e.GetProperty("time").GetDateTimeOffset()).ToList();
        Assert.Equal(times.Order(), times);

        var csv = (await CliRun.RunAsync(Ops, "audit", "export", "--since", "10m", "--until", DateTimeOffset.UtcNow.AddMinutes(1).ToString("O", CultureInfo.InvariantCulture), "--format", "csv")).Succeeded().Out;
        Assert.StartsWith("time,type,codeId,route,user,clientIp,reason,actor,traceId\n", csv, StringComparison.Ordinal);
        Assert.Contains($",exports,,127.0.0.1,{reason},ops,", csv, StringComparison.Ordinal);

        var file = Path.Combine(Directory.CreateTempSubdirectory("latchctl-export-").FullName, "audit.jsonl");
        var toFile = (await CliRun.RunAsync(Ops, "audit", "export", "--since", DateTimeOffset.UtcNow.AddMinutes(-10).ToString("O", CultureInfo.InvariantCulture), "-o", file)).Succeeded();
        Assert.Equal("", toFile.Out);
        Assert.Contains(reason, await File.ReadAllTextAsync(file), StringComparison.Ordinal);

        var refused = (await CliRun.RunAsync(Ops, "audit", "export", "--since", "1m", "--until", "2m", "-o", file + ".refused")).Refused(400);
        Assert.Contains("until: ", refused.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(file + ".refused"), "a refused export left a file behind");
    }

    [Fact]
    public async Task Audit_follow_prints_the_recent_events_then_each_new_one_once_and_stops_with_exit_0_on_cancellation()
    {
        var user = $"followed-{Guid.NewGuid():N}";
        var before = await Gateway.IssueAsync("orders-admin", user: user);
        await EventuallyAsync(["audit", "--user", user], e => e.GetArrayLength() == 1);

        using var stdout = new CapturedWriter();
        using var stop = new CancellationTokenSource();
        var following = CliRun.RunAsync(Ops, ["audit", "--follow", "--user", user], terminal: false, stdout, cancellationToken: stop.Token);

        Assert.True(await LatchHttp.EventuallyAsync(() => Task.FromResult(stdout.Text.Contains(before.Id, StringComparison.Ordinal)), Patience), stdout.Text);
        var after = await Gateway.IssueAsync("exports", user: user);
        using (var proxy = Gateway.CreateProxyClient())
        using (await proxy.GetWithCodeAsync("/exports/followed", after.Code, ("Authorization", $"Bearer {TestJwt.For(user)}")))
        {
        }

        Assert.True(
            await LatchHttp.EventuallyAsync(() => Task.FromResult(stdout.Text.Contains("\"accepted\"", StringComparison.Ordinal)), Patience),
            stdout.Text);

        // Several more polls go by: nothing is printed twice.
        await Task.Delay(CliRun.Poll * 4);
        await stop.CancelAsync();
        var result = await following;

        Assert.True(result.ExitCode == 0, result.ToString());
        var events = result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonSerializer.Deserialize<JsonElement>(l)).ToList();
        Assert.Equal(
            [(before.Id, "issued"), (after.Id, "issued"), (after.Id, "accepted")],
            events.Select(e => (e.GetProperty("codeId").GetString(), e.GetProperty("type").GetString())));
    }

    [Fact]
    public async Task Audit_follow_on_a_terminal_prints_a_header_and_one_line_per_event()
    {
        var user = $"watched-{Guid.NewGuid():N}";
        using var stdout = new CapturedWriter();
        using var stop = new CancellationTokenSource();
        var following = CliRun.RunAsync(Ops, ["audit", "--follow", "--user", user, "--since", "1m"], terminal: true, stdout, cancellationToken: stop.Token);
        Assert.True(await LatchHttp.EventuallyAsync(() => Task.FromResult(stdout.Text.Contains("TIME", StringComparison.Ordinal)), Patience), stdout.Text);

        var issued = await Gateway.IssueAsync("orders-admin", user: user);
        Assert.True(await LatchHttp.EventuallyAsync(() => Task.FromResult(stdout.Text.Contains(issued.Id, StringComparison.Ordinal)), Patience), stdout.Text);
        await stop.CancelAsync();
        var result = await following;

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^TIME\s+TYPE\s+ROUTE\s+USER\s+CODE ID\s+CLIENT IP\s+ACTOR\s+REASON", lines[0]);
        Assert.Matches($@"^\d\d:\d\d:\d\d\s+issued\s+orders-admin\s+\S+\s+{issued.Id}\s+127\.0\.0\.1\s+ops", lines[1]);
        Assert.Equal(2, lines.Length);
    }

    private async Task<JsonElement> EventuallyAsync(string[] args, Func<JsonElement, bool> done)
    {
        CliResult? last = null;
        var found = await LatchHttp.EventuallyAsync(
            async () =>
            {
                last = await CliRun.RunAsync(Ops, args);
                return last.ExitCode == 0 && done(last.Json);
            },
            Patience);
        Assert.True(found, last?.ToString());
        return last!.Json;
    }

    private static StringContent JsonContent(object body) =>
        new(JsonSerializer.Serialize(body, GatewayInstance.Json), System.Text.Encoding.UTF8, "application/json");
}
