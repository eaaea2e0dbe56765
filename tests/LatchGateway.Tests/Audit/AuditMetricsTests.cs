using System.Net;
using System.Text.RegularExpressions;
using LatchGateway.Tests.EndToEnd;
using LatchGateway.Tests.Infrastructure;

namespace LatchGateway.Tests.Audit;

/// <summary>
/// What an operator sees of the audit trail's health on <c>/metrics</c> and in the log. These classes scrape metrics,
/// which mix between hosts in one process, so they run in the serial metrics group.
/// </summary>
[Collection(nameof(SerialMetricsGroup))]
public sealed partial class AuditMetricsTests : IAsyncLifetime
{
    private TestBackend _backend = null!;

    public async Task InitializeAsync() => _backend = await TestBackend.StartAsync();

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    [Fact]
    public async Task Metrics_report_the_store_as_available()
    {
        await using var gateway = await GatewayInstance.StartAsync(_backend, GatewayFixture.NoLockout);
        using var metrics = gateway.CreateAdminClient(keyName: null);
        var text = "";

        var found = await LatchHttp.EventuallyAsync(
            async () =>
            {
                text = await metrics.GetStringAsync("metrics");
                return PrometheusText.Parse(text).Any(s => s.Name == "latch_store_available");
            },
            TimeSpan.FromSeconds(5));

        Assert.True(found, text);
        Assert.All(PrometheusText.Parse(text).Where(s => s.Name == "latch_store_available"), s => Assert.Equal(1, s.Value));
    }

    [Fact]
    public async Task Events_the_sink_cannot_take_are_counted_in_metrics_and_logged_not_silently_lost()
    {
        await using var redis = await RedisServer.StartAsync();
        var settings = RedisSettings.For(redis.Endpoint, $"down-{Guid.NewGuid():N}");
        foreach (var (key, value) in GatewayFixture.NoLockout)
        {
            settings[key] = value;
        }

        await using var gateway = await GatewayInstance.StartAsync(_backend, settings);
        await redis.StopAsync();

        // A request without a code needs no store: answered 401, and audited into the sink that is down.
        var statuses = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => AuditHttp.PresentAsync(gateway, code: null)));
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.Unauthorized, s));

        using var metrics = gateway.CreateAdminClient(keyName: null);
        double dropped = 0;
        var counted = await LatchHttp.EventuallyAsync(
            async () =>
            {
                dropped = PrometheusText.Parse(await metrics.GetStringAsync("metrics"))
                    .Where(s => s.Name == "latch_audit_dropped_total").Sum(s => s.Value);
                return dropped >= 3 && Logged(gateway, "Warning", Dropped()) >= 3;
            },
            TimeSpan.FromSeconds(10));

        // The writer takes what is queued, so the three may come in more than one batch: all are accounted for by number.
        Assert.True(
            counted,
            $"latch_audit_dropped_total = {dropped}; log:\n{string.Join("\n", gateway.Logs.Lines.Where(l => l.Contains("Audit", StringComparison.Ordinal)))}");

        // Redis being down is said once, on one line without a stack trace (however many batches fail), not per batch.
        var outage = Assert.Single(gateway.Logs.Lines, l => l.Contains("The audit writer cannot reach Redis", StringComparison.Ordinal));
        Assert.StartsWith("Warning ", outage, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", gateway.Logs.All, StringComparison.Ordinal);
    }

    private static int Logged(GatewayInstance gateway, string level, Regex pattern) => gateway.Logs.Lines
        .Where(l => l.StartsWith(level + " ", StringComparison.Ordinal))
        .Select(l => pattern.Match(l))
        .Where(m => m.Success)
        .Sum(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));

    [GeneratedRegex(@"^Warning \S+: (\d+) audit events were dropped")]
    private static partial Regex Dropped();
}
