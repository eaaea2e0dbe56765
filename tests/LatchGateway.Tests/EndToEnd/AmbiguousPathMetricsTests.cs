using LatchGateway.Tests.Infrastructure;

namespace LatchGateway.Tests.EndToEnd;

/// <summary>
/// Refused ambiguous paths are counted in <c>latch_paths_rejected_total{reason}</c> and logged, the query string
/// never. In the serial group: counters of hosts in one process mix.
/// </summary>
[Collection(nameof(SerialMetricsGroup))]
public sealed class AmbiguousPathMetricsTests
{
    private const string Metric = "latch_paths_rejected_total";

    private static readonly string[] Reasons =
    [
        "semicolon", "empty_segment", "dot_segment", "trailing_dot", "trailing_whitespace",
        "control_character", "backslash", "encoded_separator", "fragment", "undecoded_escape",
    ];

    [Fact]
    public async Task Each_refusal_is_counted_by_reason_and_logged_without_the_query_string()
    {
        await using var backend = await TestBackend.StartAsync();
        await using var gateway = await GatewayInstance.StartAsync(
            backend,
            OpenOrdersGatewayFixture.Settings(new Dictionary<string, string?> { ["Logging:LogLevel:LatchGateway.Paths"] = "Debug" }));
        var sent = new (string Path, string Reason)[]
        {
            ("/orders//admin/x", "empty_segment"),
            ("/orders/admin;x=1/x", "semicolon"),
            ("/orders/admin%3B/x", "semicolon"),
            ("/orders/admin./x", "trailing_dot"),
            ("/orders/x/%2e%2e/admin/x", "dot_segment"),
            ("/orders/admin%20/x", "trailing_whitespace"),
            ("/orders/admin%09/x", "control_character"),
            ("/orders\\admin/x", "backslash"),
            ("/orders/admin%2Fx", "encoded_separator"),
            ("/orders/admin#/x", "fragment"),
            ("/orders/%252Fadmin/x", "undecoded_escape"),
        };
        var before = await AbuseHttp.ScrapeAsync(gateway);
        var probe = Guid.NewGuid().ToString("N");
        var code = LatchHttp.RandomCode();

        foreach (var (path, _) in sent)
        {
            var response = await RawExchange.SendAsync(
                gateway.ProxyAddress, RawExchange.Head(gateway.ProxyAddress, "GET", $"{path}?probe={probe}&latch_code={code}"));
            Assert.Equal("path_rejected", RawResponse.Parse(response).ProblemError());
        }

        // Neither an ordinary path nor anything on the Admin listener counts.
        Assert.Equal(200, RawHttp.StatusOf(await RawExchange.SendAsync(gateway.ProxyAddress, RawExchange.Head(gateway.ProxyAddress, "GET", "/orders/x"))));
        Assert.Equal(404, RawHttp.StatusOf(await RawExchange.SendAsync(gateway.AdminAddress, RawExchange.Head(gateway.AdminAddress, "GET", "//healthz;x"))));

        IReadOnlyList<PrometheusSample> after = [];
        var counted = await LatchHttp.EventuallyAsync(
            async () =>
            {
                after = await AbuseHttp.ScrapeAsync(gateway);
                return AbuseHttp.Total(after, Metric) - AbuseHttp.Total(before, Metric) >= sent.Length;
            },
            TimeSpan.FromSeconds(5));

        Assert.True(counted, string.Join("\n", after.Where(s => s.Name == Metric)));
        Assert.Equal(sent.Length, AbuseHttp.Total(after, Metric) - AbuseHttp.Total(before, Metric));
        foreach (var group in sent.GroupBy(s => s.Reason))
        {
            Assert.Equal(
                group.Count(),
                AbuseHttp.Total(after, Metric, s => s["reason"] == group.Key) - AbuseHttp.Total(before, Metric, s => s["reason"] == group.Key));
        }

        Assert.All(after.Where(s => s.Name == Metric), s => Assert.Contains(s["reason"], Reasons));
        Assert.DoesNotContain(after.Where(s => s.Name == Metric).SelectMany(s => s.Labels.Values), v => v.Contains('/', StringComparison.Ordinal));

        var logged = gateway.Logs.Lines.Where(l => l.Contains("Ambiguous request path refused", StringComparison.Ordinal)).ToList();
        Assert.Equal(sent.Length, logged.Count);
        foreach (var (path, reason) in sent)
        {
            Assert.Contains(logged, l => l.Contains($"({reason}): {path} ", StringComparison.Ordinal));
        }

        Assert.DoesNotContain(logged, l => l.Contains(probe, StringComparison.Ordinal) || l.Contains('?', StringComparison.Ordinal));
        Assert.DoesNotContain(LatchHttp.Normalised(code), LatchHttp.Normalised(gateway.Logs.All), StringComparison.Ordinal);
    }
}
