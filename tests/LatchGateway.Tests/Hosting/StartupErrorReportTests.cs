using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using LatchGateway.Tests.Infrastructure;
using Xunit.Abstractions;

namespace LatchGateway.Tests.Hosting;

/// <summary>
/// An operator who breaks several settings at once reads every one of them, each by its key, from one run: a clean
/// message on stderr, no stack trace, exit code 1.
/// </summary>
public sealed partial class StartupErrorReportTests(ITestOutputHelper output)
{
    /// <summary>Five settings broken at once, in five different sections, and the key each failure must name.</summary>
    private static readonly Dictionary<string, string> Broken = new()
    {
        ["Kestrel__Endpoints__Proxy__Url"] = "not-a-url",
        ["Latch__Codes__HashKey"] = "AAAA",
        ["Latch__Lockout__MaxFailures"] = "many",
        ["Latch__Store__KeyPrefix"] = "latch{x}",
        ["ReverseProxy__Routes__payroll__ClusterId"] = "backend",
        ["ReverseProxy__Routes__payroll__Match__Path"] = "/payroll/{**rest}",
        ["ReverseProxy__Routes__payroll__Transforms__0__Latch"] = "Sometimes",
    };

    private static readonly string[] BrokenKeys =
    [
        "Kestrel:Endpoints:Proxy:Url",
        "Latch:Codes:HashKey",
        "Latch:Lockout:MaxFailures",
        "Latch:Store:KeyPrefix",
        "ReverseProxy:Routes:payroll",
    ];

    [Fact]
    public async Task The_process_names_every_bad_setting_on_stderr_without_a_stack_trace_and_exits_1()
    {
        var run = await StartupProcess.RunAsync([$"--Kestrel:Endpoints:Admin:Url=http://127.0.0.1:{FreePort.Next()}"], Broken);
        output.WriteLine(run.ToString());

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("LatchGateway cannot start: 5 settings are invalid:", run.StandardError, StringComparison.Ordinal);
        foreach (var key in BrokenKeys)
        {
            Assert.Contains(key, run.StandardError, StringComparison.Ordinal);
        }

        AssertNoStackTrace(run);
    }

    [Fact]
    public async Task In_process_the_start_up_failure_names_every_bad_setting()
    {
        var settings = Broken.Where(static s => !s.Key.StartsWith("Kestrel", StringComparison.Ordinal))
            .ToDictionary(static s => s.Key.Replace("__", ":", StringComparison.Ordinal), static s => (string?)s.Value);
        settings["Latch:Store:Provider"] = "Redis";

        var messages = await StartupFailure.MessagesAsync(settings, output);

        foreach (var key in BrokenKeys.Skip(1).Append("ConnectionStrings:Redis"))
        {
            Assert.Contains(key, messages, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Missing_listeners_are_both_named()
    {
        var run = await StartupProcess.RunAsync([], workingDirectory: Directory.CreateTempSubdirectory("latch-empty-").FullName);
        output.WriteLine(run.ToString());

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Kestrel:Endpoints:Proxy:Url is required", run.StandardError, StringComparison.Ordinal);
        Assert.Contains("Kestrel:Endpoints:Admin:Url is required", run.StandardError, StringComparison.Ordinal);
        AssertNoStackTrace(run);
    }

    [Fact]
    public async Task A_malformed_settings_file_is_named_with_its_line()
    {
        var directory = Directory.CreateTempSubdirectory("latch-config-").FullName;
        await File.WriteAllTextAsync(Path.Combine(directory, "routes.json"), "{\n  \"ReverseProxy\": {\n    \"Routes\": { ,\n}");

        var run = await StartupProcess.RunAsync([$"--Latch:ConfigDirectory={directory}"]);
        output.WriteLine(run.ToString());

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("LatchGateway cannot start:", run.StandardError, StringComparison.Ordinal);
        Assert.Contains("routes.json", run.StandardError, StringComparison.Ordinal);
        Assert.Contains("LineNumber:", run.StandardError, StringComparison.Ordinal);
        AssertNoStackTrace(run);
    }

    [Fact]
    public async Task A_port_in_use_is_a_clean_message_and_exit_1()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var run = await StartupProcess.RunAsync(
        [
            $"--Kestrel:Endpoints:Proxy:Url=http://127.0.0.1:{port}",
            $"--Kestrel:Endpoints:Admin:Url=http://127.0.0.1:{FreePort.Next()}",
            $"--Latch:Audit:Path={Path.Combine(Directory.CreateTempSubdirectory("latch-audit-").FullName, "audit.jsonl")}",
        ]);
        output.WriteLine(run.ToString());

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("LatchGateway cannot start:", run.StandardError, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{port}", run.StandardError, StringComparison.Ordinal);
        Assert.Contains("Kestrel:Endpoints:Proxy:Url", run.StandardError, StringComparison.Ordinal);
        AssertNoStackTrace(run);
    }

    [Fact]
    public async Task A_listener_URL_that_would_quietly_listen_on_every_interface_or_port_80_is_refused()
    {
        // Kestrel would read both as "every interface" (the second on port 80): the Admin API open to every network.
        var run = await StartupProcess.RunAsync(
        [
            "--Kestrel:Endpoints:Proxy:Url=http://gateway.internal:8080",
            "--Kestrel:Endpoints:Admin:Url=http://127.0.0.1:abc",
        ]);
        output.WriteLine(run.ToString());

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("LatchGateway cannot start: 2 settings are invalid:", run.StandardError, StringComparison.Ordinal);
        Assert.Contains("Kestrel:Endpoints:Proxy:Url ('http://gateway.internal:8080') must name an IP address", run.StandardError, StringComparison.Ordinal);
        Assert.Contains("Kestrel:Endpoints:Admin:Url ('http://127.0.0.1:abc') must name its port", run.StandardError, StringComparison.Ordinal);
        AssertNoStackTrace(run);
    }

    [Fact]
    public async Task An_https_listener_without_its_certificate_is_a_clean_message_and_exit_1()
    {
        var missing = Path.Combine(Directory.CreateTempSubdirectory("latch-tls-").FullName, "proxy.pfx");

        var run = await StartupProcess.RunAsync(
        [
            $"--Kestrel:Endpoints:Proxy:Url=https://127.0.0.1:{FreePort.Next()}",
            $"--Kestrel:Endpoints:Proxy:Certificate:Path={missing}",
            $"--Kestrel:Endpoints:Admin:Url=http://127.0.0.1:{FreePort.Next()}",
            $"--Latch:Audit:Path={Path.Combine(Directory.CreateTempSubdirectory("latch-audit-").FullName, "audit.jsonl")}",
        ]);
        output.WriteLine(run.ToString());

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("LatchGateway cannot start:", run.StandardError, StringComparison.Ordinal);
        Assert.Contains(missing, run.StandardError, StringComparison.Ordinal);
        AssertNoStackTrace(run);
    }

    private static void AssertNoStackTrace(StartupProcess run)
    {
        Assert.DoesNotMatch(StackFrame(), run.StandardError);
        Assert.DoesNotContain("Unhandled exception", run.StandardError + run.StandardOutput, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^\s+at \S+\(", RegexOptions.Multiline)]
    private static partial Regex StackFrame();
}
