using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using LatchGateway.Tests.Infrastructure;

namespace LatchGateway.Tests.EndToEnd;

/// <summary>
/// A running gateway follows edits of its settings file: a valid change takes effect, an invalid one is logged
/// (naming the key or route) and the last good settings stay in force.
/// </summary>
public sealed class LiveReloadTests : IAsyncLifetime
{
    private static readonly TimeSpan ReloadTimeout = TimeSpan.FromSeconds(10);

    private TestBackend _backend = null!;

    public async Task InitializeAsync() => _backend = await TestBackend.StartAsync();

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    [Fact]
    public async Task Codes_MaxTtl_follows_valid_edits_and_keeps_the_last_good_value_on_invalid_ones()
    {
        using var file = new ReloadableJsonSettings(Codes("00:05:00"));
        await using var gateway = await GatewayInstance.StartAsync(_backend, GatewayFixture.NoLockout, configure: file.AddTo);
        Assert.Equal(HttpStatusCode.BadRequest, await IssueAsync(gateway, 600));

        file.Write(Codes("00:10:00"));
        Assert.True(await LatchHttp.EventuallyAsync(async () => await IssueAsync(gateway, 600) == HttpStatusCode.Created, ReloadTimeout), "MaxTtl 00:10:00 never took effect");

        file.Write(Codes("05:00:00"));
        await WaitForRejectionAsync(gateway, "Latch:Codes:MaxTtl", occurrence: 1);
        Assert.Equal(HttpStatusCode.Created, await IssueAsync(gateway, 600));
        Assert.Equal(HttpStatusCode.BadRequest, await IssueAsync(gateway, 601));
        Assert.Equal(HttpStatusCode.BadRequest, await IssueAsync(gateway, 3600));

        file.Write(Codes("banana"));
        await WaitForRejectionAsync(gateway, "Latch:Codes:MaxTtl", occurrence: 2);
        Assert.Equal(HttpStatusCode.Created, await IssueAsync(gateway, 600));

        // Still following the file after rejected edits.
        file.Write(Codes("00:03:00"));
        Assert.True(await LatchHttp.EventuallyAsync(async () => await IssueAsync(gateway, 600) == HttpStatusCode.BadRequest, ReloadTimeout), "MaxTtl 00:03:00 never took effect");
        Assert.Equal(HttpStatusCode.Created, await IssueAsync(gateway, 180));
    }

    [Fact]
    public async Task A_bad_route_edit_is_rejected_naming_the_route_and_the_previous_routes_keep_serving()
    {
        using var file = new ReloadableJsonSettings(Routes(("json-route", "/json/{**rest}", "Required")));
        await using var gateway = await GatewayInstance.StartAsync(_backend, GatewayFixture.NoLockout, configure: file.AddTo);
        using var proxy = gateway.CreateProxyClient();
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(proxy, "/json/"));

        file.Write(Routes(("json-route", "/json/{**rest}", "Required"), ("json-extra", "/extra/{**rest}", null)));
        Assert.True(await LatchHttp.EventuallyAsync(async () => await StatusAsync(proxy, "/extra/") == HttpStatusCode.OK, ReloadTimeout), "the valid route edit never took effect");

        file.Write(Routes(("json-route", "/json/{**rest}", "Sometimes"), ("json-extra", "/extra/{**rest}", null), ("json-late", "/late/{**rest}", null)));
        var logged = await LatchHttp.EventuallyAsync(
            () => Task.FromResult(gateway.Logs.Lines.Any(l => l.Contains("json-route", StringComparison.Ordinal) && l.Contains("Sometimes", StringComparison.Ordinal))),
            ReloadTimeout);
        Assert.True(logged, "no log line names the rejected route:\n" + gateway.Logs.All);

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(proxy, "/json/"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(proxy, "/extra/"));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(proxy, "/late/"));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(proxy, "/orders/admin/"));
        var code = await gateway.IssueAsync(route: "json-route");
        using var accepted = await proxy.PresentAsync(LatchHttp.UniquePath("/json/"), code.Code);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }

    [Fact]
    public async Task An_invalid_lockout_edit_is_rejected_and_the_previous_threshold_stays()
    {
        using var file = new ReloadableJsonSettings(Section("Lockout", new JsonObject { ["MaxFailures"] = 3, ["Window"] = "00:01:00", ["Duration"] = "00:05:00" }));
        await using var gateway = await GatewayInstance.StartAsync(_backend, configure: file.AddTo);
        using var proxy = gateway.CreateProxyClient();

        file.Write(Section("Lockout", new JsonObject { ["MaxFailures"] = 0, ["Window"] = "00:01:00", ["Duration"] = "00:05:00" }));
        await WaitForRejectionAsync(gateway, "Latch:Lockout:MaxFailures", occurrence: 1);

        // With 0 in force the first refusal would lock; with the previous 3, the third does.
        await proxy.RefuseAsync(3);
        using var locked = await proxy.PresentAsync(LatchHttp.UniquePath(), LatchHttp.RandomCode());
        await AbuseHttp.AssertLockedOutAsync(locked);
    }

    [Fact]
    public async Task An_invalid_identity_header_edit_is_rejected_and_the_previous_header_stays()
    {
        using var file = new ReloadableJsonSettings(Section("Identity", new JsonObject { ["Header"] = "X-Forwarded-User" }));
        var settings = new Dictionary<string, string?>(GatewayFixture.NoLockout) { ["Latch:ForwardedHeaders:KnownProxies:0"] = "127.0.0.1" };
        await using var gateway = await GatewayInstance.StartAsync(_backend, settings, configure: file.AddTo);
        using var proxy = gateway.CreateProxyClient();

        file.Write(Section("Identity", new JsonObject { ["Header"] = "bad header" }));
        await WaitForRejectionAsync(gateway, "Latch:Identity:Header", occurrence: 1);

        var code = await gateway.IssueAsync(user: "alice");
        using var response = await proxy.PresentAsync(LatchHttp.UniquePath(), code.Code, headers: ("X-Forwarded-User", "alice"));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await LatchHttp.DescribeAsync(response));
    }

    [Fact]
    public async Task An_invalid_api_key_edit_is_rejected_and_the_previous_keys_keep_working()
    {
        const string Key = "json-key-0123456789";
        using var file = new ReloadableJsonSettings(ApiKey(GatewayInstance.Sha256Hex(Key)));
        await using var gateway = await GatewayInstance.StartAsync(_backend, GatewayFixture.NoLockout, configure: file.AddTo);
        using var admin = new HttpClient { BaseAddress = gateway.AdminAddress };
        admin.DefaultRequestHeaders.Add("X-Api-Key", Key);
        Assert.Equal(HttpStatusCode.OK, await AdminStatusAsync(admin));

        file.Write(ApiKey("xyz"));
        await WaitForRejectionAsync(gateway, "Latch:Admin:ApiKeys:json", occurrence: 1);
        Assert.Equal(HttpStatusCode.OK, await AdminStatusAsync(admin));

        file.Write(ApiKey(GatewayInstance.Sha256Hex("another-key-0123456789")));
        Assert.True(await LatchHttp.EventuallyAsync(async () => await AdminStatusAsync(admin) == HttpStatusCode.Unauthorized, ReloadTimeout), "the valid key edit never took effect");
    }

    private static async Task<HttpStatusCode> IssueAsync(GatewayInstance gateway, int ttlSeconds)
    {
        using var admin = gateway.CreateAdminClient();
        using var response = await admin.PostAsJsonAsync("admin/codes", new { route = "orders-admin", ttlSeconds });
        return response.StatusCode;
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient proxy, string prefix)
    {
        using var response = await proxy.PresentAsync(LatchHttp.UniquePath(prefix), code: null);
        return response.StatusCode;
    }

    private static async Task<HttpStatusCode> AdminStatusAsync(HttpClient admin)
    {
        using var response = await admin.GetAsync("admin/routes");
        return response.StatusCode;
    }

    /// <summary>Waits for the <paramref name="occurrence"/>-th "reload rejected" log line naming <paramref name="key"/>.</summary>
    private static async Task WaitForRejectionAsync(GatewayInstance gateway, string key, int occurrence)
    {
        var logged = await LatchHttp.EventuallyAsync(
            () => Task.FromResult(gateway.Logs.Lines.Count(l => l.Contains("reload rejected", StringComparison.OrdinalIgnoreCase) && l.Contains(key, StringComparison.Ordinal)) >= occurrence),
            ReloadTimeout);
        Assert.True(logged, $"no rejected-reload log line #{occurrence} names {key}:\n" + gateway.Logs.All);
    }

    private static JsonObject Section(string name, JsonObject content) => new() { ["Latch"] = new JsonObject { [name] = content } };

    private static JsonObject Codes(string maxTtl) => Section("Codes", new JsonObject { ["MaxTtl"] = maxTtl });

    private static JsonObject ApiKey(string sha256) =>
        Section("Admin", new JsonObject { ["ApiKeys"] = new JsonObject { ["json"] = new JsonObject { ["Sha256"] = sha256, ["Scopes"] = new JsonArray("codes:read") } } });

    private static JsonObject Routes(params (string Id, string Path, string? Latch)[] routes)
    {
        var all = new JsonObject();
        foreach (var (id, path, latch) in routes)
        {
            var route = new JsonObject { ["ClusterId"] = "backend", ["Match"] = new JsonObject { ["Path"] = path } };
            if (latch is not null)
            {
                route["Transforms"] = new JsonArray(new JsonObject { ["Latch"] = latch });
            }

            all[id] = route;
        }

        return new JsonObject { ["ReverseProxy"] = new JsonObject { ["Routes"] = all } };
    }
}
