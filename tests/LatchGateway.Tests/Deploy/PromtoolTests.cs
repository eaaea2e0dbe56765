using System.ComponentModel;
using System.Diagnostics;
using LatchGateway.Tests.Infrastructure;

namespace LatchGateway.Tests.Deploy;

/// <summary>Runs Prometheus's own checker on deploy/prometheus. tests/run.sh installs promtool (Debian package prometheus).</summary>
public sealed class PromtoolTests
{
    [Fact]
    public Task The_Prometheus_config_is_valid() => Promtool("check", "config", "deploy/prometheus/prometheus.yml");

    [Fact]
    public Task The_alert_rules_are_valid() => Promtool("check", "rules", "deploy/prometheus/alerts.yml");

    [Fact]
    public Task The_alert_rules_unit_tests_pass() => Promtool("test", "rules", "deploy/prometheus/alerts.test.yml");

    private static async Task Promtool(params string[] arguments)
    {
        var start = new ProcessStartInfo("promtool")
        {
            WorkingDirectory = RepositoryRoot.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("promtool did not start.");
        }
        catch (Win32Exception e)
        {
            Assert.Fail($"promtool was not found ({e.Message}). Run tests/run.sh, which installs it (Debian package prometheus).");
            return;
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }

            var command = "promtool " + string.Join(' ', arguments);
            Assert.True(process.ExitCode == 0, $"{command} exited with {process.ExitCode}:\n{await output}{await errors}");
        }
    }
}
