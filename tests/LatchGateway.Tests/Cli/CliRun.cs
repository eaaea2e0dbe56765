using System.Text.Json;
using LatchGateway.Tests.Access;
using LatchGateway.Tests.Infrastructure;
using Latchctl;
using Latchctl.Cli;

namespace LatchGateway.Tests.Cli;

/// <summary>What one run of latchctl did: its exit code, stdout and stderr.</summary>
internal sealed record CliResult(int ExitCode, string Out, string Error)
{
    /// <summary>stdout as one JSON document.</summary>
    public JsonElement Json => JsonSerializer.Deserialize<JsonElement>(Out);

    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Out}\n--- stderr ---\n{Error}";
}

/// <summary>
/// Runs latchctl in-process through <see cref="LatchctlApp.RunAsync"/>, on captured writers and an environment
/// of the test's making (the test process's own <c>LATCH_*</c> variables never reach it).
/// </summary>
internal static class CliRun
{
    /// <summary>How often latchctl polls in these tests (--wait, --follow): faster than the tool's 1 s.</summary>
    public static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(200);

    /// <summary>The environment of an operator with the named API key (see <see cref="GatewayInstance.ApiKeys"/>).</summary>
    public static Dictionary<string, string?> Operator(GatewayInstance gateway, string keyName = "ops") => new()
    {
        ["LATCH_ADMIN_URL"] = gateway.AdminAddress.ToString(),
        ["LATCH_API_KEY"] = GatewayInstance.ApiKeys[keyName].Key,
    };

    /// <summary>The environment of a person with their JWT in <c>LATCH_TOKEN</c>.</summary>
    public static Dictionary<string, string?> As(GatewayInstance gateway, Person person) => new()
    {
        ["LATCH_ADMIN_URL"] = gateway.AdminAddress.ToString(),
        ["LATCH_TOKEN"] = person.Token,
    };

    /// <summary>Runs with stdout redirected (so JSON by default).</summary>
    public static Task<CliResult> RunAsync(IReadOnlyDictionary<string, string?> environment, params string[] args) =>
        RunAsync(environment, args, terminal: false);

    /// <summary>
    /// Runs latchctl. <paramref name="terminal"/>: stdout is a terminal (tables by default), plain text 200 columns
    /// wide. <paramref name="stdout"/>: a writer the test watches while the command runs. <paramref name="stderrTerminal"/>:
    /// stderr is a terminal too (where the spinner goes).
    /// </summary>
    public static async Task<CliResult> RunAsync(
        IReadOnlyDictionary<string, string?> environment,
        string[] args,
        bool terminal,
        CapturedWriter? stdout = null,
        bool stderrTerminal = false,
        CancellationToken cancellationToken = default)
    {
        var output = stdout ?? new CapturedWriter();
        using var error = new CapturedWriter();
        var console = new CliConsole { Out = output, Error = error, IsOutputRedirected = !terminal, IsErrorRedirected = !stderrTerminal, Width = 200 };
        var exitCode = await LatchctlApp.RunAsync(args, environment, console, new LatchctlRuntime(TimeProvider.System, Poll), cancellationToken);
        var result = new CliResult(exitCode, output.Text, error.Text);
        if (stdout is null)
        {
            await output.DisposeAsync();
        }

        return result;
    }

    /// <summary>Asserts exit code 0 and returns the result.</summary>
    public static CliResult Succeeded(this CliResult result)
    {
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }

    /// <summary>Asserts the API refused (exit code 1) with this status on stderr, and no stdout.</summary>
    public static CliResult Refused(this CliResult result, int status, string? error = null)
    {
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains($"({status}", result.Error, StringComparison.Ordinal);
        if (error is not null)
        {
            Assert.Contains(error, result.Error, StringComparison.Ordinal);
        }

        Assert.Equal("", result.Out);
        return result;
    }
}
