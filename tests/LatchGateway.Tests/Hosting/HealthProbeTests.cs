using System.Net;
using System.Net.Sockets;
using LatchGateway.Tests.Infrastructure;
using Xunit.Abstractions;

namespace LatchGateway.Tests.Hosting;

/// <summary>
/// <c>dotnet LatchGateway.dll --health-probe</c>, the container health check: exit 0 when the Admin listener's
/// <c>/healthz</c> answers 200, else 1, one line of output, in well under the check's interval, starting nothing.
/// </summary>
public sealed class HealthProbeTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Fast = TimeSpan.FromSeconds(10);

    [Theory]
    [InlineData("http://0.0.0.0:{0}")]
    [InlineData("http://+:{0}")]
    [InlineData("http://[::]:{0}")]
    [InlineData("http://127.0.0.1:{0}")]
    public async Task A_running_gateway_is_healthy(string adminUrl)
    {
        await using var backend = await TestBackend.StartAsync();
        await using var gateway = await GatewayInstance.StartAsync(backend);

        // The probe reads the Admin URL as the gateway would, here from the environment, a wildcard host included.
        var run = await ProbeAsync(environment: new Dictionary<string, string>
        {
            ["Kestrel__Endpoints__Admin__Url"] = string.Format(System.Globalization.CultureInfo.InvariantCulture, adminUrl, gateway.AdminAddress.Port),
        });

        Assert.Equal(0, run.ExitCode);
        Assert.Equal($"healthy: GET http://127.0.0.1:{gateway.AdminAddress.Port}/healthz answered 200.", run.StandardOutput.Trim());
    }

    [Fact]
    public async Task A_closed_port_is_unhealthy_fast()
    {
        var port = ClosedPort();

        var run = await ProbeAsync(arguments: [$"--Kestrel:Endpoints:Admin:Url=http://0.0.0.0:{port}"]);

        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(run.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"unhealthy: GET http://127.0.0.1:{port}/healthz failed:", line, StringComparison.Ordinal);
        Assert.True(run.Elapsed < Fast, $"the probe took {run.Elapsed}");
    }

    [Fact]
    public async Task A_listener_that_never_answers_is_unhealthy_within_seconds()
    {
        // Accepts connections (the backlog) but never answers: a hung gateway.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;

        var run = await ProbeAsync(arguments: [$"--Kestrel:Endpoints:Admin:Url=http://127.0.0.1:{port}"]);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("no answer within 3 s", run.StandardOutput, StringComparison.Ordinal);
        Assert.True(run.Elapsed < Fast, $"the probe took {run.Elapsed}");
    }

    [Fact]
    public async Task The_probe_reads_the_config_directory_and_answers_without_running_a_gateway()
    {
        await using var backend = await TestBackend.StartAsync();
        await using var gateway = await GatewayInstance.StartAsync(backend);
        var directory = Directory.CreateTempSubdirectory("latch-config-").FullName;
        await File.WriteAllTextAsync(
            Path.Combine(directory, "listeners.json"),
            $$"""{ "Kestrel": { "Endpoints": { "Admin": { "Url": "http://0.0.0.0:{{gateway.AdminAddress.Port}}" } } } }""");

        // Were the probe a gateway, it would keep running (and fail to bind the Admin port): it answers and exits.
        var run = await ProbeAsync(environment: new Dictionary<string, string> { ["Latch__ConfigDirectory"] = directory });

        Assert.Equal(0, run.ExitCode);
        Assert.Single(run.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.True(run.Elapsed < Fast, $"the probe took {run.Elapsed}");

        // Environment variables are read after the directory, as by the gateway: they win.
        var closed = ClosedPort();
        var overridden = await ProbeAsync(environment: new Dictionary<string, string>
        {
            ["Latch__ConfigDirectory"] = directory,
            ["Kestrel__Endpoints__Admin__Url"] = $"http://127.0.0.1:{closed}",
        });
        Assert.Equal(1, overridden.ExitCode);
        Assert.Contains($"127.0.0.1:{closed}", overridden.StandardOutput, StringComparison.Ordinal);
    }

    private async Task<StartupProcess> ProbeAsync(string[]? arguments = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var run = await StartupProcess.RunAsync(["--health-probe", .. arguments ?? []], environment, timeout: TimeSpan.FromSeconds(20));
        output.WriteLine(run.ToString());
        return run;
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
