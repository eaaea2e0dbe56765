using System.Net;
using System.Text.Json.Nodes;
using LatchGateway.Tests.Infrastructure;

namespace LatchGateway.Tests.Hosting;

/// <summary>
/// Settings files in <c>Latch:ConfigDirectory</c> take effect while the gateway runs: when a Kubernetes ConfigMap
/// volume is updated (kubelet swaps the <c>..data</c> link) and when a plain file is edited, without a restart.
/// </summary>
public sealed class ConfigDirectoryReloadTests : IAsyncLifetime
{
    // The files are polled every 4 s; a reload is visible well within this bound.
    private static readonly TimeSpan ReloadTimeout = TimeSpan.FromSeconds(30);

    private TestBackend _backend = null!;

    public async Task InitializeAsync() => _backend = await TestBackend.StartAsync();

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    [Fact]
    public async Task A_ConfigMap_update_latches_a_route_without_a_restart()
    {
        using var configMap = new ConfigDirectoryLayout(new Dictionary<string, JsonObject>
        {
            ["routes.json"] = Route("/reports/{**rest}", latched: false),
            ["limits.json"] = new() { ["Latch"] = new JsonObject { ["Codes"] = new JsonObject { ["MaxTtl"] = "00:05:00" } } },
        });
        await using var gateway = await StartAsync(configMap.Path);
        using var proxy = gateway.CreateProxyClient();
        Assert.Equal(HttpStatusCode.OK, (await proxy.GetAsync("reports/q3")).StatusCode);

        configMap.Publish(new Dictionary<string, JsonObject>
        {
            ["routes.json"] = Route("/reports/{**rest}", latched: true),
            ["limits.json"] = new() { ["Latch"] = new JsonObject { ["Codes"] = new JsonObject { ["MaxTtl"] = "00:05:00" } } },
        });

        Assert.True(
            await LatchHttp.EventuallyAsync(async () => (await proxy.GetAsync("reports/q3")).StatusCode == HttpStatusCode.Unauthorized, ReloadTimeout),
            "the route was still open after the ConfigMap update");
        var code = await gateway.IssueAsync(route: "reports");
        using var request = new HttpRequestMessage(HttpMethod.Get, "reports/q3");
        request.Headers.Add("X-Latch-Code", code.Code);
        Assert.Equal(HttpStatusCode.OK, (await proxy.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task A_plain_file_edit_takes_effect_without_a_restart()
    {
        var directory = Directory.CreateTempSubdirectory("latch-config-").FullName;
        var file = Path.Combine(directory, "routes.json");
        await File.WriteAllTextAsync(file, Route("/reports/{**rest}", latched: false).ToJsonString());
        await using var gateway = await StartAsync(directory);
        using var proxy = gateway.CreateProxyClient();
        Assert.Equal(HttpStatusCode.OK, (await proxy.GetAsync("reports/q3")).StatusCode);

        await File.WriteAllTextAsync(file, Route("/reports/{**rest}", latched: true).ToJsonString());

        Assert.True(
            await LatchHttp.EventuallyAsync(async () => (await proxy.GetAsync("reports/q3")).StatusCode == HttpStatusCode.Unauthorized, ReloadTimeout),
            "the route was still open after the file was edited");
    }

    [Fact]
    public async Task Files_apply_in_name_order_and_the_command_line_still_wins()
    {
        var directory = Directory.CreateTempSubdirectory("latch-config-").FullName;
        await File.WriteAllTextAsync(Path.Combine(directory, "20-override.json"), Route("/second/{**rest}", latched: false).ToJsonString());
        await File.WriteAllTextAsync(Path.Combine(directory, "10-base.json"), Route("/first/{**rest}", latched: false).ToJsonString());

        // GatewayInstance sets the public route on the command line, which is read after the directory.
        var publicMoved = new JsonObject
        {
            ["ReverseProxy"] = new JsonObject { ["Routes"] = new JsonObject { ["public"] = new JsonObject { ["Match"] = new JsonObject { ["Path"] = "/moved/{**rest}" } } } },
        };
        await File.WriteAllTextAsync(Path.Combine(directory, "30-public.json"), publicMoved.ToJsonString());
        await using var gateway = await StartAsync(directory);
        using var proxy = gateway.CreateProxyClient();

        Assert.Equal(HttpStatusCode.OK, (await proxy.GetAsync("second/x")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await proxy.GetAsync("first/x")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await proxy.GetAsync("public/x")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await proxy.GetAsync("moved/x")).StatusCode);
    }

    private Task<GatewayInstance> StartAsync(string directory) =>
        GatewayInstance.StartAsync(_backend, new Dictionary<string, string?>(GatewayFixture.NoLockout) { ["Latch:ConfigDirectory"] = directory });

    /// <summary>The route <c>reports</c> on the test backend, latched or plain.</summary>
    private static JsonObject Route(string path, bool latched)
    {
        var route = new JsonObject { ["ClusterId"] = "backend", ["Match"] = new JsonObject { ["Path"] = path } };
        if (latched)
        {
            route["Transforms"] = new JsonArray(new JsonObject { ["Latch"] = "Required" });
        }

        return new JsonObject { ["ReverseProxy"] = new JsonObject { ["Routes"] = new JsonObject { ["reports"] = route } } };
    }
}
