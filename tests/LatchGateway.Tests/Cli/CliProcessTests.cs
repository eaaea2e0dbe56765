using System.Diagnostics;
using System.Text.Json;
using LatchGateway.Tests.Access;
using LatchGateway.Tests.Infrastructure;

namespace LatchGateway.Tests.Cli;

/// <summary>
/// The built latchctl as a real process, the way scripts and shells run it: <c>-q</c> in a command substitution
/// feeding curl, JSON on a pipe, the exit codes as a shell sees them, bash completion, and Ctrl+C ending a follow.
/// </summary>
public sealed class CliProcessTests(AccessGatewayFixture fixture) : IClassFixture<AccessGatewayFixture>
{
    private GatewayInstance Gateway => fixture.Gateway;

    private Dictionary<string, string?> Ops => new(CliRun.Operator(Gateway)) { ["PROXY"] = Gateway.ProxyAddress.ToString().TrimEnd('/') };

    [Fact]
    public async Task A_code_from_quiet_issue_in_a_shell_pipeline_opens_the_route_through_the_proxy()
    {
        const string Script = """
            set -euo pipefail
            CODE=$($LATCHCTL codes issue -q --route orders-admin --reason pipeline)
            curl -fsS -H "X-Latch-Code: $CODE" "$PROXY/orders/admin/from-the-shell"
            """;

        var result = await CliProcess.BashAsync(Script, Ops);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("backend:/orders/admin/from-the-shell", result.Out);
        var received = Assert.Single(fixture.Backend.ReceivedUnder("/orders/admin/from-the-shell"));
        Assert.False(received.Headers.ContainsKey("X-Latch-Code"));
        Assert.True(received.Headers.ContainsKey("X-Latch-Id"));
    }

    [Fact]
    public async Task A_requester_scripts_ask_wait_and_call_with_the_code_while_an_approver_approves()
    {
        var alice = AccessSettings.Engineer();
        var bob = AccessSettings.Sre();
        var environment = new Dictionary<string, string?>(Ops) { ["LATCH_TOKEN"] = alice.Token, ["LATCH_API_KEY"] = null };
        const string Script = """
            set -euo pipefail
            CODE=$($LATCHCTL requests create --route orders-admin --reason "INC-4711 from a script" --wait -q)
            curl -fsS -H "X-Latch-Code: $CODE" -H "Authorization: Bearer $LATCH_TOKEN" "$PROXY/orders/admin/approved"
            """;

        var script = CliProcess.BashAsync(Script, environment);
        var approver = new Dictionary<string, string?> { ["LATCH_ADMIN_URL"] = Gateway.AdminAddress.ToString(), ["LATCH_TOKEN"] = bob.Token };
        string? id = null;
        Assert.True(await LatchHttp.EventuallyAsync(
            async () =>
            {
                var reviewable = (await CliProcess.RunAsync(approver, "requests", "list", "--reviewable")).Succeeded().Json;
                id = reviewable.EnumerateArray().FirstOrDefault(r => r.GetProperty("requester").GetString() == alice.User) is { ValueKind: JsonValueKind.Object } found ? found.Id() : null;
                return id is not null;
            },
            TimeSpan.FromSeconds(30)));
        (await CliProcess.RunAsync(approver, "requests", "approve", id!, "--reason", "go")).Succeeded();

        var result = await script;
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("backend:/orders/admin/approved", result.Out);
    }

    [Fact]
    public async Task Exit_codes_as_a_shell_sees_them_with_the_problem_on_stderr_and_json_on_a_pipe()
    {
        var ok = (await CliProcess.RunAsync(Ops, "codes", "issue", "--route", "exports")).Succeeded();
        Assert.Equal("exports", ok.Json.GetProperty("route").GetString());

        var refused = await CliProcess.RunAsync(Ops, "codes", "issue", "--route", "no-such-route");
        Assert.True(refused.ExitCode == 1, refused.ToString());
        Assert.Equal("", refused.Out);
        Assert.Contains("One or more validation errors occurred (400)", refused.Error, StringComparison.Ordinal);
        Assert.Contains("route: ", refused.Error, StringComparison.Ordinal);

        var forbidden = await CliProcess.RunAsync(new Dictionary<string, string?>(Ops) { ["LATCH_TOKEN"] = AccessSettings.Engineer().Token }, "requests", "approve", "x");
        Assert.True(forbidden.ExitCode == 1, forbidden.ToString());

        var usage = await CliProcess.RunAsync(Ops, "codes", "issue", "--route", "orders-admin", "--ttl", "soon");
        Assert.True(usage.ExitCode == 2, usage.ToString());

        var unreachable = await CliProcess.RunAsync(new Dictionary<string, string?>(Ops) { ["LATCH_ADMIN_URL"] = $"http://127.0.0.1:{FreePort.Next()}" }, "routes");
        Assert.True(unreachable.ExitCode == 3, unreachable.ToString());

        var shell = await CliProcess.BashAsync("$LATCHCTL routes --ttl 1 ; echo \"usage=$?\"; $LATCHCTL codes show nope 2>/dev/null; echo \"refused=$?\"", Ops);
        Assert.Equal("usage=2\nrefused=1\n", shell.Out);
    }

    [Fact]
    public async Task Bash_completion_completes_verbs_and_values_through_the_suggest_directive()
    {
        const string Script = """
            bin=$(mktemp -d)
            printf '#!/bin/sh\nexec %s "$@"\n' "$LATCHCTL" > "$bin/latchctl"
            chmod +x "$bin/latchctl"
            PATH="$bin:$PATH"
            source <(latchctl completion bash)
            complete_line() {
                COMP_LINE="$1"; COMP_POINT=${#COMP_LINE}; read -r -a COMP_WORDS <<< "$COMP_LINE"
                if [[ "$COMP_LINE" == *" " ]]; then COMP_WORDS+=(""); fi
                COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
                _latchctl_complete
                echo "$1=> ${COMPREPLY[*]}"
            }
            complete_line "latchctl req"
            complete_line "latchctl codes re"
            complete_line "latchctl requests list --state "
            """;

        var result = await CliProcess.BashAsync(Script, new Dictionary<string, string?>());

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(
            "latchctl req=> requests\nlatchctl codes re=> revoke\nlatchctl requests list --state => cancelled denied expired granted issued pending\n",
            result.Out);
    }

    [Fact]
    public async Task Ctrl_c_ends_audit_follow_with_exit_code_0_after_it_printed_a_new_event()
    {
        var user = $"ctrl-c-{Guid.NewGuid():N}";
        var environment = new Dictionary<string, string?>(Ops) { ["COLUMNS"] = "200" };
        using var follow = CliProcess.Start(environment, "audit", "--follow", "--user", user, "--output", "table");
        var lines = new List<string>();
        var reading = Task.Run(async () =>
        {
            while (await follow.StandardOutput.ReadLineAsync() is { } line)
            {
                lock (lines)
                {
                    lines.Add(line);
                }
            }
        });
        var stderr = follow.StandardError.ReadToEndAsync();
        bool Printed(string text)
        {
            lock (lines)
            {
                return lines.Any(l => l.Contains(text, StringComparison.Ordinal));
            }
        }

        try
        {
            // The header comes after the first poll: an event issued from then on is a new one.
            Assert.True(await LatchHttp.EventuallyAsync(() => Task.FromResult(Printed("CLIENT IP")), TimeSpan.FromSeconds(30)), await DescribeAsync());
            var issued = await Gateway.IssueAsync("orders-admin", user: user);
            Assert.True(await LatchHttp.EventuallyAsync(() => Task.FromResult(Printed(issued.Id)), TimeSpan.FromSeconds(30)), await DescribeAsync());

            CliProcess.Interrupt(follow);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await follow.WaitForExitAsync(timeout.Token);
            await reading;
            Assert.True(follow.ExitCode == 0, $"exit {follow.ExitCode}: {await stderr}");
            Assert.Equal(2, lines.Count);
            Assert.Matches($@"^\d\d:\d\d:\d\d\s+issued\s+orders-admin\s+\S+\s+{issued.Id}\s+127\.0\.0\.1\s+ops", lines[1]);
        }
        finally
        {
            if (!follow.HasExited)
            {
                follow.Kill(entireProcessTree: true);
            }
        }

        async Task<string> DescribeAsync()
        {
            lock (lines)
            {
                return $"stdout: {string.Join('\n', lines)}; stderr: {(stderr.IsCompleted ? stderr.Result : "")}";
            }
        }
    }
}
