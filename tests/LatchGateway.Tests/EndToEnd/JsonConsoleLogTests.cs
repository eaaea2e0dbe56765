using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LatchGateway.Tests.Infrastructure;

namespace LatchGateway.Tests.EndToEnd;

/// <summary>
/// The gateway as an operator runs it, in a process of its own with the JSON console formatter and ASP.NET Core's
/// request logging on: every stdout line is JSON, and no line carries a latch code.
/// </summary>
public sealed class JsonConsoleLogTests : IAsyncLifetime
{
    private const string ApiKey = "json-console-ops-key-0123456789";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private readonly string _audit = Directory.CreateTempSubdirectory("latch-json-console-").FullName;
    private TestBackend _backend = null!;

    public async Task InitializeAsync() => _backend = await TestBackend.StartAsync();

    public async Task DisposeAsync()
    {
        await _backend.DisposeAsync();
        Directory.Delete(_audit, recursive: true);
    }

    [Fact]
    public async Task Every_stdout_line_is_json_and_the_code_in_a_query_string_is_redacted()
    {
        var proxyPort = FreePort.Next();
        var adminPort = FreePort.Next();
        var proxyAddress = new Uri($"http://127.0.0.1:{proxyPort}/");
        var adminAddress = new Uri($"http://127.0.0.1:{adminPort}/");
        var lines = new ConcurrentQueue<string>();
        var errors = new ConcurrentQueue<string>();
        using var process = new Process { StartInfo = StartInfo(proxyAddress, adminAddress) };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lines.Enqueue(e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                errors.Enqueue(e.Data);
            }
        };

        using var timeout = new CancellationTokenSource(Timeout);
        string code;
        var path = LatchHttp.UniquePath();
        try
        {
            Assert.True(process.Start(), "the gateway process did not start");
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();

            using var admin = new HttpClient { BaseAddress = adminAddress, Timeout = Timeout };
            admin.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
            var ready = await LatchHttp.EventuallyAsync(
                async () =>
                {
                    Assert.False(process.HasExited, $"the gateway exited: {string.Join("\n", lines.Concat(errors))}");
                    try
                    {
                        using var response = await admin.GetAsync("readyz", timeout.Token);
                        return response.StatusCode == HttpStatusCode.OK;
                    }
                    catch (HttpRequestException)
                    {
                        return false;
                    }
                },
                TimeSpan.FromSeconds(15));
            Assert.True(ready, $"the gateway was not ready within 15 s:\n{string.Join("\n", lines.Concat(errors))}");

            using (var issued = await admin.PostAsJsonAsync("admin/codes", new { route = "orders-admin", reason = "json console" }, timeout.Token))
            {
                var body = await issued.Content.ReadAsStringAsync(timeout.Token);
                Assert.True(issued.StatusCode == HttpStatusCode.Created, body);
                code = JsonSerializer.Deserialize<JsonElement>(body).GetProperty("code").GetString()!;
            }

            // First a malformed value, refused without consuming the code, then the code itself.
            using (var proxy = new HttpClient { BaseAddress = proxyAddress, Timeout = Timeout })
            {
                using (var malformed = await proxy.GetAsync($"{path.TrimStart('/')}?latch_code=;{code}", timeout.Token))
                {
                    Assert.Equal(HttpStatusCode.Forbidden, malformed.StatusCode);
                }

                using var presented = await proxy.GetAsync($"{path.TrimStart('/')}?latch_code={code}", timeout.Token);
                Assert.Equal(HttpStatusCode.OK, presented.StatusCode);
            }

            // The console logger writes in the background: wait until both requests' start and end lines are out.
            var logged = await LatchHttp.EventuallyAsync(
                () => Task.FromResult(lines.Count(l => l.Contains(path, StringComparison.Ordinal)) >= 4), TimeSpan.FromSeconds(5));
            Assert.True(logged, $"the presentation was not logged:\n{string.Join("\n", lines)}");
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await process.WaitForExitAsync(exit.Token);
        }

        var stdout = lines.Where(l => l.Trim().Length > 0).ToList();
        Assert.NotEmpty(stdout);
        var documents = new List<JsonElement>();
        foreach (var line in stdout)
        {
            try
            {
                documents.Add(JsonSerializer.Deserialize<JsonElement>(line));
            }
            catch (JsonException exception)
            {
                Assert.Fail($"a stdout line is not JSON ({exception.Message}): {line}");
            }
        }

        Assert.All(documents, d => Assert.Equal(JsonValueKind.Object, d.ValueKind));
        var starting = documents
            .Where(d => d.TryGetProperty("Category", out var c) && c.GetString() == "Microsoft.AspNetCore.Hosting.Diagnostics")
            .Where(d => d.TryGetProperty("Message", out var m) && m.GetString()!.StartsWith("Request starting", StringComparison.Ordinal))
            .Select(d => d.GetProperty("Message").GetString()!)
            .ToList();
        Assert.NotEmpty(starting);
        Assert.Contains(starting, m => m.Contains(path, StringComparison.Ordinal) && m.Contains("latch_code=[redacted]", StringComparison.Ordinal));
        foreach (var line in stdout.Concat(errors))
        {
            AuditHttp.AssertNoCode(line, code, "stdout/stderr of the gateway");
        }
    }

    private ProcessStartInfo StartInfo(Uri proxy, Uri admin)
    {
        var dotnet = Environment.ProcessPath is { } host && Path.GetFileNameWithoutExtension(host) == "dotnet" ? host : "dotnet";
        var start = new ProcessStartInfo(dotnet)
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment.Remove("ASPNETCORE_ENVIRONMENT");
        start.Environment.Remove("DOTNET_ENVIRONMENT");
        var arguments = new Dictionary<string, string>
        {
            ["contentRoot"] = AppContext.BaseDirectory,
            ["environment"] = "Production",
            ["Logging:Console:FormatterName"] = "json",
            ["Logging:LogLevel:Default"] = "Information",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Information",
            ["Logging:LogLevel:Yarp"] = "Information",
            ["Kestrel:Endpoints:Proxy:Url"] = proxy.ToString().TrimEnd('/'),
            ["Kestrel:Endpoints:Admin:Url"] = admin.ToString().TrimEnd('/'),
            ["Latch:Audit:Path"] = Path.Combine(_audit, "audit.jsonl"),
            ["Latch:Admin:ApiKeys:ops:Sha256"] = GatewayInstance.Sha256Hex(ApiKey),
            ["Latch:Admin:ApiKeys:ops:Scopes:0"] = "codes:issue",
            ["ReverseProxy:Routes:orders-admin:ClusterId"] = "backend",
            ["ReverseProxy:Routes:orders-admin:Match:Path"] = "/orders/admin/{**rest}",
            ["ReverseProxy:Routes:orders-admin:Transforms:0:Latch"] = "Required",
            ["ReverseProxy:Clusters:backend:Destinations:d1:Address"] = _backend.Address.ToString(),
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "LatchGateway.dll"));
        foreach (var (key, value) in arguments)
        {
            start.ArgumentList.Add($"--{key}");
            start.ArgumentList.Add(value);
        }

        return start;
    }
}
