using System.Net;
using System.Text.Json.Nodes;
using LatchGateway.Tests.Infrastructure;
using LatchGateway.Tests.Notifications;

namespace LatchGateway.Tests.EndToEnd;

/// <summary>
/// Every <c>latch_*</c> counter is on <c>/metrics</c> at 0 from start-up, before any traffic, for each label set the
/// configuration makes known — so a dashboard shows 0 instead of "No data", and an alert's <c>increase()</c> sees a
/// restarted replica's first event. Routes added by a configuration reload appear at 0 as well. Run alone
/// (<see cref="SerialMetricsGroup"/>): the meters of gateways in one process mix.
/// </summary>
[Collection(nameof(SerialMetricsGroup))]
public sealed class MetricsAtZeroTests : IAsyncLifetime
{
    private static readonly string[] Outcomes =
        ["accepted", "missing", "invalid", "expired", "used", "revoked", "route_mismatch", "ip_mismatch", "user_mismatch", "locked_out", "unavailable"];

    private static readonly TimeSpan ReloadTimeout = TimeSpan.FromSeconds(10);

    private TestBackend _backend = null!;

    public async Task InitializeAsync() => _backend = await TestBackend.StartAsync();

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    [Fact]
    public async Task Before_any_traffic_every_latch_counter_is_exported_at_zero_for_each_known_label_set()
    {
        var settings = AbuseHttp.Merge(
            TestJwt.Settings(),
            NotificationEndToEndSettings.Webhook("siem", new Uri("http://127.0.0.1:9/hook")),
            new Dictionary<string, string?>
            {
                ["ReverseProxy:Routes:console:ClusterId"] = "backend",
                ["ReverseProxy:Routes:console:Match:Path"] = "/console/{**rest}",
                ["ReverseProxy:Routes:console:Transforms:0:Latch"] = "Session",
                ["Latch:Access:Policies:exports:Approvals"] = "1",
                ["Latch:Access:Policies:exports:Approvers:0"] = "group:sre",
            });
        await using var gateway = await GatewayInstance.StartAsync(_backend, settings);

        var samples = await AbuseHttp.ScrapeAsync(gateway);

        var counters = samples.Where(s => s.Name.StartsWith("latch_", StringComparison.Ordinal) && s.Name.EndsWith("_total", StringComparison.Ordinal)).ToList();
        Assert.All(counters, s => Assert.True(s.Value == 0, $"{s.Name}{{{string.Join(",", s.Labels.Select(l => $"{l.Key}={l.Value}"))}}} is {s.Value}"));
        Assert.Single(counters, s => s.Name == "latch_lockouts_total");
        Assert.Single(counters, s => s.Name == "latch_audit_dropped_total");
        Assert.Contains(counters, s => s.Name == "latch_paths_rejected_total");
        foreach (var route in new[] { "orders-admin", "exports", "console" })
        {
            Assert.Equal(Outcomes.Order(StringComparer.Ordinal), Values(counters, "latch_validations_total", "outcome", route));
            Assert.Single(counters, s => s.Name == "latch_codes_issued_total" && s["route"] == route);
            Assert.Single(counters, s => s.Name == "latch_codes_revoked_total" && s["route"] == route);
        }

        Assert.DoesNotContain(counters, s => s["route"] is "public" or "shadow");
        Assert.Single(counters, s => s.Name == "latch_sessions_opened_total" && s["route"] == "console");
        Assert.Equal(["expired", "idle", "revoked"], Values(counters, "latch_sessions_ended_total", "reason", "console"));
        Assert.DoesNotContain(counters, s => s.Name.StartsWith("latch_sessions_", StringComparison.Ordinal) && s["route"] != "console");
        Assert.Equal(
            ["break_glass", "cancelled", "denied", "expired", "granted", "issued", "pending"],
            Values(counters, "latch_access_requests_total", "state", "exports"));
        Assert.DoesNotContain(counters, s => s.Name == "latch_access_requests_total" && s["route"] != "exports");
        Assert.Equal(
            ["failed", "retried", "sent"],
            counters.Where(s => s.Name == "latch_notifications_total" && s["channel"] == "siem").Select(s => s["outcome"]).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_latched_route_added_by_a_reload_is_exported_at_zero()
    {
        using var file = new ReloadableJsonSettings(Routes("first-route"));
        await using var gateway = await GatewayInstance.StartAsync(_backend, GatewayFixture.NoLockout, configure: file.AddTo);
        Assert.Contains(await AbuseHttp.ScrapeAsync(gateway), s => s.Name == "latch_validations_total" && s["route"] == "first-route");

        file.Write(Routes("first-route", "added-route"));

        // Once the admin API lists the added route, the reload is applied; a scrape within the exporter's response
        // cache (300 ms) may still show the one before.
        using var admin = gateway.CreateAdminClient();
        var listed = await LatchHttp.EventuallyAsync(
            async () => (await admin.GetStringAsync("admin/routes")).Contains("\"added-route\"", StringComparison.Ordinal),
            ReloadTimeout);
        Assert.True(listed, "the added route was never applied");
        IReadOnlyList<PrometheusSample> samples = [];
        var exported = await LatchHttp.EventuallyAsync(
            async () => Values(samples = await AbuseHttp.ScrapeAsync(gateway), "latch_validations_total", "outcome", "added-route").Count() == Outcomes.Length,
            TimeSpan.FromSeconds(2));
        Assert.True(exported, "added-route's series did not appear; latch_validations_total routes: "
            + string.Join(", ", samples.Where(s => s.Name == "latch_validations_total").Select(s => s["route"] ?? string.Join(",", s.Labels)).Distinct()));
        Assert.Equal(Outcomes.Order(StringComparer.Ordinal), Values(samples, "latch_validations_total", "outcome", "added-route"));
        Assert.All(samples.Where(s => s["route"] == "added-route"), s => Assert.Equal(0, s.Value));
        Assert.Single(samples, s => s.Name == "latch_codes_issued_total" && s["route"] == "added-route");
    }

    private static IOrderedEnumerable<string?> Values(IEnumerable<PrometheusSample> samples, string name, string label, string route) =>
        samples.Where(s => s.Name == name && s["route"] == route).Select(s => s[label]).Order(StringComparer.Ordinal);

    private static JsonObject Routes(params string[] ids)
    {
        var all = new JsonObject();
        foreach (var id in ids)
        {
            all[id] = new JsonObject
            {
                ["ClusterId"] = "backend",
                ["Match"] = new JsonObject { ["Path"] = $"/{id.Split('-')[0]}/{{**rest}}" },
                ["Transforms"] = new JsonArray(new JsonObject { ["Latch"] = "Required" }),
            };
        }

        return new JsonObject { ["ReverseProxy"] = new JsonObject { ["Routes"] = all } };
    }
}
