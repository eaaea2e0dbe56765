using System.Diagnostics;
using LatchGateway.Admin;
using LatchGateway.Hosting;
using LatchGateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace LatchGateway.Tests.EndToEnd;

/// <summary>
/// Bad lockout, proxy, identity, API-key and TTL settings stop the gateway at start-up with a message naming the
/// key; the real process exits non-zero.
/// </summary>
public sealed class AbuseSettingsStartupTests(ITestOutputHelper output)
{
    public static TheoryData<string, string, string[]> BadSettings => new()
    {
        { "Latch:Lockout:MaxFailures", "0", ["Latch:Lockout:MaxFailures"] },
        { "Latch:Lockout:MaxFailures", "-3", ["Latch:Lockout:MaxFailures"] },
        { "Latch:Lockout:Window", "00:00:00", ["Latch:Lockout:Window"] },
        { "Latch:Lockout:Duration", "-00:00:01", ["Latch:Lockout:Duration"] },
        { "Latch:Lockout:IPv4Prefix", "33", ["Latch:Lockout:IPv4Prefix"] },
        { "Latch:Lockout:IPv4Prefix", "0", ["Latch:Lockout:IPv4Prefix"] },
        { "Latch:Lockout:IPv6Prefix", "129", ["Latch:Lockout:IPv6Prefix"] },
        { "Latch:Lockout:IPv6Prefix", "8", ["Latch:Lockout:IPv6Prefix"] },
        { "Latch:ForwardedHeaders:KnownProxies:0", "not-an-ip", ["Latch:ForwardedHeaders:KnownProxies:0", "not-an-ip"] },
        { "Latch:ForwardedHeaders:KnownProxies:0", "10.0.0.0/8", ["Latch:ForwardedHeaders:KnownProxies:0"] },
        { "Latch:ForwardedHeaders:KnownNetworks:0", "10.0.0.1/8", ["Latch:ForwardedHeaders:KnownNetworks:0", "10.0.0.1/8"] },
        { "Latch:ForwardedHeaders:KnownNetworks:0", "10.0.0.0", ["Latch:ForwardedHeaders:KnownNetworks:0"] },
        { "Latch:ForwardedHeaders:KnownNetworks:0", "10.0.0.0/33", ["Latch:ForwardedHeaders:KnownNetworks:0"] },
        { "Latch:ForwardedHeaders:ForwardLimit", "0", ["Latch:ForwardedHeaders:ForwardLimit"] },
        { "Latch:Identity:Header", "bad header", ["Latch:Identity:Header"] },
        { "Latch:Identity:Header", "X-User:", ["Latch:Identity:Header"] },
        { "Latch:Identity:UserClaim", " ", ["Latch:Identity:UserClaim"] },
        { "Latch:Admin:ApiKeys:ops:Sha256", "xyz", ["Latch:Admin:ApiKeys:ops"] },
        { "Latch:Admin:ApiKeys:ops:Scopes:4", "codes:everything", ["Latch:Admin:ApiKeys:ops", "codes:everything"] },
        { "Latch:Codes:MaxTtl", "02:00:00", ["Latch:Codes:MaxTtl"] },
        { "Latch:Codes:MaxTtl", "00:01:00", ["Latch:Codes:MaxTtl", "Latch:Codes:DefaultTtl"] },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public async Task Bad_setting_fails_start_up_naming_the_key(string key, string value, string[] expected)
    {
        var messages = await StartFailureAsync(new Dictionary<string, string?> { [key] = value });

        foreach (var text in expected)
        {
            Assert.Contains(text, messages, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_real_process_exits_non_zero_naming_the_key()
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "LatchGateway.dll"));
        start.ArgumentList.Add($"--Kestrel:Endpoints:Proxy:Url=http://127.0.0.1:{FreePort.Next()}");
        start.ArgumentList.Add($"--Kestrel:Endpoints:Admin:Url=http://127.0.0.1:{FreePort.Next()}");
        start.ArgumentList.Add($"--Latch:Audit:Path={Path.Combine(Directory.CreateTempSubdirectory("latch-audit-").FullName, "audit.jsonl")}");
        start.ArgumentList.Add("--Latch:Lockout:MaxFailures=0");
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Assert.Fail("the gateway process kept running with Latch:Lockout:MaxFailures=0");
        }

        var text = await stdout + "\n" + await stderr;
        output.WriteLine(text);
        Assert.NotEqual(0, process.ExitCode);
        Assert.Contains("Latch:Lockout:MaxFailures", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Latch:Admin:ApiKeys:ops:Sha256", "xyz")]
    [InlineData("Latch:Admin:ApiKeys:ops:Scopes:0", "codes:everything")]
    public void A_bad_admin_key_is_refused_by_start_up_validation_not_by_mapping_the_API(string key, string value)
    {
        var builder = GatewayHost.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = "Testing",
            ContentRootPath = AppContext.BaseDirectory,
            Args =
            [
                $"--Kestrel:Endpoints:Proxy:Url=http://127.0.0.1:{FreePort.Next()}",
                $"--Kestrel:Endpoints:Admin:Url=http://127.0.0.1:{FreePort.Next()}",
                $"--Latch:Audit:Path={Path.Combine(Directory.CreateTempSubdirectory("latch-audit-").FullName, "audit.jsonl")}",
                $"--{key}={value}",
            ],
        });

        // The start-up check refuses the keys, with every other bad setting, before the admin API is mapped.
        var failure = Assert.Throws<GatewaySettingsException>(() => GatewayHost.Build(builder));

        output.WriteLine(failure.Message);
        Assert.Contains(failure.Failures, f => f.StartsWith("Latch:Admin:ApiKeys:ops", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Start_up_warns_when_no_admin_key_is_configured()
    {
        await using var backend = await TestBackend.StartAsync();
        await using var gateway = await GatewayInstance.StartAsync(
            backend, configure: builder => builder.Services.PostConfigure<LatchAdminOptions>(options => options.ApiKeys.Clear()));

        Assert.Contains("No admin API key is configured under Latch:Admin:ApiKeys", gateway.Logs.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_up_does_not_warn_when_admin_keys_are_configured()
    {
        await using var backend = await TestBackend.StartAsync();
        await using var gateway = await GatewayInstance.StartAsync(backend);

        Assert.DoesNotContain("No admin API key is configured", gateway.Logs.All, StringComparison.Ordinal);
    }

    private Task<string> StartFailureAsync(IReadOnlyDictionary<string, string?> settings) =>
        StartupFailure.MessagesAsync(settings, output);
}
