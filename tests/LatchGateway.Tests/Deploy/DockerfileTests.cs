using System.Diagnostics;
using LatchGateway.Tests.Infrastructure;

namespace LatchGateway.Tests.Deploy;

public sealed class DockerfileTests
{
    private static readonly string[] Lines = File.ReadAllLines(RepositoryRoot.File("deploy", "Dockerfile"))
        .Select(l => l.Trim())
        .Where(l => l.Length > 0 && !l.StartsWith('#'))
        .ToArray();

    /// <summary>The instructions, continuation lines joined.</summary>
    private static IEnumerable<string> Instructions()
    {
        var current = "";
        foreach (var line in Lines)
        {
            current += line.EndsWith('\\') ? line[..^1] : line;
            if (!line.EndsWith('\\'))
            {
                yield return string.Join(' ', current.Split(' ', StringSplitOptions.RemoveEmptyEntries));
                current = "";
            }
        }
    }

    [Fact]
    public void It_builds_in_one_stage_and_runs_from_a_runtime_only_stage()
    {
        var stages = Lines.Where(l => l.StartsWith("FROM ", StringComparison.Ordinal)).ToArray();
        Assert.Equal(2, stages.Length);
        Assert.StartsWith("FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build", stages[0], StringComparison.Ordinal);
        Assert.StartsWith("FROM mcr.microsoft.com/dotnet/aspnet:10.0", stages[1], StringComparison.Ordinal);
        Assert.Contains("COPY --from=build /app ./", Lines);
        Assert.Equal("ENTRYPOINT [\"dotnet\", \"LatchGateway.dll\"]", Lines[^1]);
    }

    [Fact]
    public void It_runs_as_a_non_root_user_and_exposes_only_the_proxy_port()
    {
        var runtime = Lines.SkipWhile(l => !l.StartsWith("FROM mcr.microsoft.com/dotnet/aspnet", StringComparison.Ordinal)).ToArray();
        var user = Assert.Single(runtime, l => l.StartsWith("USER ", StringComparison.Ordinal));
        Assert.DoesNotContain("root", user, StringComparison.Ordinal);
        Assert.NotEqual("USER 0", user);
        Assert.Equal("EXPOSE 8080", Assert.Single(runtime, l => l.StartsWith("EXPOSE", StringComparison.Ordinal)));
        var env = string.Join(' ', runtime.SkipWhile(l => !l.StartsWith("ENV", StringComparison.Ordinal)).TakeWhile(l => !l.StartsWith("USER", StringComparison.Ordinal)));
        Assert.Contains("Kestrel__Endpoints__Proxy__Url=http://0.0.0.0:8080", env, StringComparison.Ordinal);
        Assert.Contains("Kestrel__Endpoints__Admin__Url=http://0.0.0.0:8081", env, StringComparison.Ordinal);
        Assert.Contains("ASPNETCORE_ENVIRONMENT=Production", env, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Its_environment_binds_both_listeners_without_the_base_image_port_warning()
    {
        var runtime = Instructions().SkipWhile(l => !l.StartsWith("FROM mcr.microsoft.com/dotnet/aspnet", StringComparison.Ordinal)).ToArray();
        var env = Assert.Single(runtime, l => l.StartsWith("ENV ", StringComparison.Ordinal))["ENV ".Length..]
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .ToDictionary(pair => pair[0], pair => pair[1]);
        Assert.Equal("", env["ASPNETCORE_HTTP_PORTS"]);

        // The image's environment over the base image's (ASPNETCORE_HTTP_PORTS=8080), only the ports moved to free
        // ones on loopback; and, for comparison, without the line that clears the base image's port.
        var proxy = FreePort.Next();
        var admin = FreePort.Next();
        env["Kestrel__Endpoints__Proxy__Url"] = env["Kestrel__Endpoints__Proxy__Url"].Replace("0.0.0.0:8080", $"127.0.0.1:{proxy}", StringComparison.Ordinal);
        env["Kestrel__Endpoints__Admin__Url"] = env["Kestrel__Endpoints__Admin__Url"].Replace("0.0.0.0:8081", $"127.0.0.1:{admin}", StringComparison.Ordinal);
        var image = await RunUntilServingAsync(env, proxy, admin);
        Assert.DoesNotContain("Overriding address", image, StringComparison.Ordinal);
        Assert.Contains($"Now listening on: http://127.0.0.1:{proxy}", image, StringComparison.Ordinal);
        Assert.Contains($"Now listening on: http://127.0.0.1:{admin}", image, StringComparison.Ordinal);

        env.Remove("ASPNETCORE_HTTP_PORTS");
        var without = await RunUntilServingAsync(env, proxy, admin);
        Assert.Contains("Overriding address(es) 'http://*:8080'", without, StringComparison.Ordinal);
    }

    /// <summary>
    /// Runs the built gateway as the image does (base image environment, then <paramref name="env"/>) until both
    /// listeners answer, stops it, and returns what it printed.
    /// </summary>
    private static async Task<string> RunUntilServingAsync(Dictionary<string, string> env, int proxy, int admin)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "LatchGateway.dll")])
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ASPNETCORE_HTTP_PORTS"] = "8080";
        foreach (var (name, value) in env)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        try
        {
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (true)
            {
                try
                {
                    using var health = await client.GetAsync(new Uri($"http://127.0.0.1:{admin}/healthz"));
                    using var proxied = await client.GetAsync(new Uri($"http://127.0.0.1:{proxy}/"));
                    if (health.StatusCode == System.Net.HttpStatusCode.OK)
                    {
                        break;
                    }
                }
                catch (HttpRequestException) when (DateTime.UtcNow < deadline && !process.HasExited)
                {
                }

                Assert.True(DateTime.UtcNow < deadline && !process.HasExited, "the gateway did not answer on both listeners");
                await Task.Delay(200);
            }
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        return await output + await errors;
    }

    [Fact]
    public void Its_health_check_is_the_gateway_binary_asking_its_own_admin_listener()
    {
        var runtime = Instructions().SkipWhile(l => !l.StartsWith("FROM mcr.microsoft.com/dotnet/aspnet", StringComparison.Ordinal)).ToArray();
        var healthcheck = Assert.Single(runtime, l => l.StartsWith("HEALTHCHECK ", StringComparison.Ordinal));
        Assert.EndsWith("CMD [\"dotnet\", \"LatchGateway.dll\", \"--health-probe\"]", healthcheck, StringComparison.Ordinal);
        foreach (var option in new[] { "--interval=", "--timeout=", "--start-period=", "--retries=" })
        {
            Assert.Contains(option, healthcheck, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void It_carries_OCI_labels_filled_from_build_arguments()
    {
        var runtime = Instructions().SkipWhile(l => !l.StartsWith("FROM mcr.microsoft.com/dotnet/aspnet", StringComparison.Ordinal)).ToArray();
        var labels = string.Join(' ', runtime.Where(l => l.StartsWith("LABEL ", StringComparison.Ordinal)));
        foreach (var (label, value) in new[] { ("version", "${VERSION}"), ("revision", "${REVISION}"), ("created", "${CREATED}") })
        {
            Assert.Contains($"org.opencontainers.image.{label}=\"{value}\"", labels, StringComparison.Ordinal);
            Assert.Contains($"ARG {value[2..^1]}=", string.Join('\n', runtime), StringComparison.Ordinal);
        }

        Assert.Contains("org.opencontainers.image.title=", labels, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_file_it_copies_from_the_build_context_exists()
    {
        foreach (var copy in Lines.Where(l => l.StartsWith("COPY ", StringComparison.Ordinal) && !l.Contains("--from", StringComparison.Ordinal)))
        {
            var sources = copy.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..^1];
            foreach (var source in sources)
            {
                var path = RepositoryRoot.File(source.TrimEnd('/'));
                Assert.True(File.Exists(path) || Directory.Exists(path), $"{copy}: {source} is not in the repository");
            }
        }
    }
}
