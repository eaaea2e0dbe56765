using System.Net;
using System.Net.Sockets;
using LatchGateway.Tests.Access;
using LatchGateway.Tests.Infrastructure;

namespace LatchGateway.Tests.Cli;

/// <summary>Bad usage (exit code 2), an unreachable gateway (3), the output format, secrets, help, version and completion.</summary>
public sealed class CliUsageTests(AccessGatewayFixture fixture) : IClassFixture<AccessGatewayFixture>
{
    private GatewayInstance Gateway => fixture.Gateway;

    private Dictionary<string, string?> Ops => CliRun.Operator(Gateway);

    [Theory]
    [InlineData("codes issue --route orders-admin --ttl 2x", "--ttl")]
    [InlineData("codes issue --route orders-admin --ttl 0s", "--ttl")]
    [InlineData("codes issue --route orders-admin --session 1.5m", "--session")]
    [InlineData("codes issue --ttl 2m", "--route")]
    [InlineData("audit --since last-tuesday", "--since")]
    [InlineData("audit --limit many", "many")]
    [InlineData("requests list --mine --reviewable", "--mine or --reviewable")]
    [InlineData("requests list --state open", "open")]
    [InlineData("audit export --format xml", "xml")]
    [InlineData("codes frobnicate", "frobnicate")]
    [InlineData("codes", "Required command")]
    [InlineData("routes --output yaml", "yaml")]
    public async Task Bad_usage_is_exit_code_2_naming_what_is_wrong_and_calls_nothing(string commandLine, string named)
    {
        var result = await CliRun.RunAsync(Ops, commandLine.Split(' '));

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(named, result.Error, StringComparison.Ordinal);
        Assert.Contains("--help", result.Error, StringComparison.Ordinal);
        Assert.Equal("", result.Out);
    }

    [Theory]
    [InlineData("not a url")]
    [InlineData("ftp://127.0.0.1/")]
    [InlineData("http://127.0.0.1:8081/?x=1")]
    public async Task An_unusable_gateway_address_is_exit_code_2(string url)
    {
        var result = await CliRun.RunAsync(Ops, "routes", "--url", url);
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("LATCH_ADMIN_URL", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_closed_port_is_exit_code_3()
    {
        var closed = new Dictionary<string, string?>(Ops) { ["LATCH_ADMIN_URL"] = $"http://127.0.0.1:{FreePort.Next()}" };
        var result = await CliRun.RunAsync(closed, "codes", "issue", "--route", "orders-admin");

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Contains("connection refused", result.Error, StringComparison.Ordinal);
        Assert.Equal("", result.Out);
    }

    [Fact]
    public async Task A_gateway_that_never_answers_is_exit_code_3_after_the_timeout()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        var accepted = silent.AcceptTcpClientAsync();

        var result = await CliRun.RunAsync(Ops, "routes", "--url", $"http://127.0.0.1:{port}", "--timeout", "1s");

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Contains("no answer within 1 s", result.Error, StringComparison.Ordinal);
        (await accepted).Dispose();
    }

    [Fact]
    public async Task A_name_that_does_not_resolve_is_exit_code_3()
    {
        var result = await CliRun.RunAsync(Ops, "routes", "--url", "http://latch-gateway.invalid:8081", "--timeout", "10s");
        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Contains("latch-gateway.invalid", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Output_is_a_table_on_a_terminal_and_json_when_redirected_unless_asked()
    {
        var onTerminal = (await CliRun.RunAsync(Ops, ["routes"], terminal: true)).Succeeded().Out;
        Assert.Contains("│ ROUTE", onTerminal, StringComparison.Ordinal);
        var redirected = (await CliRun.RunAsync(Ops, ["routes"], terminal: false)).Succeeded();
        Assert.Equal(System.Text.Json.JsonValueKind.Array, redirected.Json.ValueKind);

        Assert.Equal(System.Text.Json.JsonValueKind.Array, (await CliRun.RunAsync(Ops, ["routes", "--output", "json"], terminal: true)).Succeeded().Json.ValueKind);
        Assert.Contains("│ ROUTE", (await CliRun.RunAsync(Ops, ["--output", "table", "routes"], terminal: false)).Succeeded().Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Flags_win_over_the_environment_and_secrets_are_read_from_files()
    {
        var folder = Directory.CreateTempSubdirectory("latchctl-secrets-").FullName;
        var keyFile = Path.Combine(folder, "key");
        await File.WriteAllTextAsync(keyFile, GatewayInstance.ApiKeys["ops"].Key + "\n");
        var tokenFile = Path.Combine(folder, "token");
        var alice = AccessSettings.Engineer();
        await File.WriteAllTextAsync(tokenFile, alice.Token + "\n");
        var wrong = new Dictionary<string, string?> { ["LATCH_ADMIN_URL"] = "http://127.0.0.1:1", ["LATCH_API_KEY"] = "wrong-key" };

        (await CliRun.RunAsync(wrong, "routes", "--url", Gateway.AdminAddress.ToString(), "--api-key-file", keyFile)).Succeeded();
        (await CliRun.RunAsync(wrong, "routes", "--url", Gateway.AdminAddress.ToString(), "--api-key", GatewayInstance.ApiKeys["ops"].Key)).Succeeded();
        var fromEnvironmentFile = new Dictionary<string, string?> { ["LATCH_ADMIN_URL"] = Gateway.AdminAddress.ToString(), ["LATCH_API_KEY_FILE"] = keyFile, ["LATCH_TOKEN_FILE"] = tokenFile };
        (await CliRun.RunAsync(fromEnvironmentFile, "routes")).Succeeded();
        (await CliRun.RunAsync(fromEnvironmentFile, "requests", "list", "--mine")).Succeeded();
        var mine = (await CliRun.RunAsync(wrong, "requests", "create", "-q", "--route", "orders-admin", "--reason", "from a file", "--url", Gateway.AdminAddress.ToString(), "--token-file", tokenFile)).Succeeded();
        Assert.Equal(alice.User, (await AccessHttp.ReadAsync(Gateway, alice, mine.Out.Trim())).GetProperty("requester").GetString());

        var missing = await CliRun.RunAsync(Ops, "routes", "--api-key-file", Path.Combine(folder, "absent"));
        Assert.True(missing.ExitCode == 2, missing.ToString());
        var both = await CliRun.RunAsync(Ops, "routes", "--api-key", "a", "--api-key-file", keyFile);
        Assert.True(both.ExitCode == 2, both.ToString());
    }

    [Fact]
    public async Task Secrets_never_appear_in_help_errors_or_output()
    {
        const string Key = "very-secret-key-0123456789";
        var alice = AccessSettings.Engineer();
        var environment = new Dictionary<string, string?> { ["LATCH_ADMIN_URL"] = Gateway.AdminAddress.ToString(), ["LATCH_API_KEY"] = Key, ["LATCH_TOKEN"] = alice.Token };

        var results = new List<CliResult>
        {
            await CliRun.RunAsync(environment, "--help"),
            await CliRun.RunAsync(environment, "codes", "issue", "--help"),
            await CliRun.RunAsync(environment, "requests", "create", "--help"),
            await CliRun.RunAsync(environment, "routes"),
            await CliRun.RunAsync(environment, "routes", "--url", $"http://127.0.0.1:{FreePort.Next()}"),
            await CliRun.RunAsync(environment, "routes", "--ttl", "1m"),
            await CliRun.RunAsync(environment, "requests", "approve", "nothing"),
        };

        Assert.Equal([0, 0, 0, 1, 3, 2, 1], results.Select(r => r.ExitCode));
        foreach (var result in results)
        {
            Assert.DoesNotContain(Key, result.Out + result.Error, StringComparison.Ordinal);
            Assert.DoesNotContain(alice.Token, result.Out + result.Error, StringComparison.Ordinal);
        }

        Assert.Contains("[env: LATCH_API_KEY]", results[1].Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Version_help_and_completion()
    {
        Assert.Equal("1.0.0\n", (await CliRun.RunAsync(Ops, "--version")).Succeeded().Out);

        var help = (await CliRun.RunAsync(Ops, "--help")).Succeeded().Out;
        foreach (var verb in new[] { "routes", "codes", "sessions", "audit", "requests", "completion", "LATCH_ADMIN_URL", "Exit codes" })
        {
            Assert.Contains(verb, help, StringComparison.Ordinal);
        }

        var requestsHelp = (await CliRun.RunAsync(Ops, "requests", "create", "--help")).Succeeded().Out;
        foreach (var flag in new[] { "--route", "--reason", "--ttl", "--session", "--ip", "--break-glass", "--wait", "--quiet" })
        {
            Assert.Contains(flag, requestsHelp, StringComparison.Ordinal);
        }

        var verbs = (await SuggestAsync("latchctl codes ")).Split('\n');
        Assert.Subset(verbs.ToHashSet(), new HashSet<string> { "issue", "list", "show", "revoke" });
        Assert.Equal("granted\n", await SuggestAsync("latchctl requests list --state gr"));
        Assert.Contains("access_requested\n", await SuggestAsync("latchctl audit --type access_"), StringComparison.Ordinal);

        var bash = (await CliRun.RunAsync(Ops, "completion", "bash")).Succeeded().Out;
        Assert.Contains("complete -o default -F _latchctl_complete latchctl", bash, StringComparison.Ordinal);
        Assert.Contains("bashcompinit", (await CliRun.RunAsync(Ops, "completion", "zsh")).Succeeded().Out, StringComparison.Ordinal);
    }

    /// <summary>What System.CommandLine's <c>[suggest]</c> directive completes at the end of <paramref name="line"/>, as a shell asks it.</summary>
    private async Task<string> SuggestAsync(string line) =>
        (await CliRun.RunAsync(Ops, $"[suggest:{line.Length}]", line)).Succeeded().Out;
}
