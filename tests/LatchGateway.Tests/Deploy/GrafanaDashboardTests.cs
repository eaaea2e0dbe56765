using System.Text.Json;
using System.Text.RegularExpressions;
using LatchGateway.Tests.Infrastructure;

namespace LatchGateway.Tests.Deploy;

public sealed partial class GrafanaDashboardTests
{
    private static readonly JsonElement Dashboard = JsonDocument.Parse(File.ReadAllText(RepositoryRoot.File("deploy", "grafana", "latch-gateway.json"))).RootElement;

    private static readonly JsonElement[] Panels = [.. Dashboard.GetProperty("panels").EnumerateArray()];

    [Fact]
    public void It_has_the_expected_panels()
    {
        var titles = Panels.Select(p => p.GetProperty("title").GetString()).ToHashSet();
        foreach (var title in new[]
        {
            "Validations by outcome", "Validations by route", "Refused presentations", "Validation latency p50 / p99",
            "Codes issued and revoked", "Lockouts", "Store availability", "Audit events dropped",
            "Sessions opened", "Sessions ended by reason", "Access requests by state", "Break-glass grants", "Notifications by channel and outcome",
        })
        {
            Assert.Contains(title, titles);
        }
    }

    [Fact]
    public void Every_panel_query_only_reads_metrics_the_gateway_exports()
    {
        foreach (var panel in Panels)
        {
            var targets = panel.GetProperty("targets").EnumerateArray().ToList();
            Assert.NotEmpty(targets);
            foreach (var target in targets)
            {
                var names = PromQl.MetricNames(target.GetProperty("expr").GetString()!);
                Assert.NotEmpty(names);
                Assert.All(names, name => Assert.True(PromQl.KnownMetrics.Contains(name), $"{panel.GetProperty("title")} reads unknown metric {name}"));
                Assert.Equal("${DS_PROMETHEUS}", target.GetProperty("datasource").GetProperty("uid").GetString());
            }
        }
    }

    [Fact]
    public void Latency_is_read_from_the_histogram_buckets_at_p50_and_p99()
    {
        var latency = Panels.Single(p => p.GetProperty("title").GetString() == "Validation latency p50 / p99");
        var exprs = latency.GetProperty("targets").EnumerateArray().Select(t => t.GetProperty("expr").GetString()!).ToList();
        Assert.Contains(exprs, e => e.StartsWith("histogram_quantile(0.5,", StringComparison.Ordinal));
        Assert.Contains(exprs, e => e.StartsWith("histogram_quantile(0.99,", StringComparison.Ordinal));
        Assert.All(exprs, e => Assert.Contains("sum by (le) (rate(latch_validation_duration_seconds_bucket", e, StringComparison.Ordinal));
    }

    [Fact]
    public void Sessions_are_shown_opened_by_route_and_ended_by_reason()
    {
        Assert.Equal(
            "sum by (route) (increase(latch_sessions_opened_total{job=~\"$job\", route=~\"$route\"}[$__rate_interval]))",
            Expr("Sessions opened"));
        Assert.Equal(
            "sum by (reason) (increase(latch_sessions_ended_total{job=~\"$job\", route=~\"$route\"}[$__rate_interval]))",
            Expr("Sessions ended by reason"));
    }

    [Fact]
    public void Access_requests_are_shown_by_state_and_break_glass_by_route()
    {
        Assert.Equal(
            "sum by (state) (increase(latch_access_requests_total{job=~\"$job\", route=~\"$route\"}[$__rate_interval]))",
            Expr("Access requests by state"));
        Assert.Equal(
            "sum by (route) (increase(latch_access_requests_total{job=~\"$job\", route=~\"$route\", state=\"break_glass\"}[$__rate_interval]))",
            Expr("Break-glass grants"));
    }

    [Fact]
    public void No_two_panels_overlap()
    {
        var boxes = Panels.Select(p => (Title: p.GetProperty("title").GetString(), Grid: p.GetProperty("gridPos"))).ToList();
        foreach (var (title, a) in boxes)
        {
            foreach (var (other, b) in boxes.Where(x => x.Title != title))
            {
                var apart = X(a) + W(a) <= X(b) || X(b) + W(b) <= X(a) || Y(a) + H(a) <= Y(b) || Y(b) + H(b) <= Y(a);
                Assert.True(apart, $"panels {title} and {other} overlap");
            }
        }

        static int X(JsonElement grid) => grid.GetProperty("x").GetInt32();
        static int Y(JsonElement grid) => grid.GetProperty("y").GetInt32();
        static int W(JsonElement grid) => grid.GetProperty("w").GetInt32();
        static int H(JsonElement grid) => grid.GetProperty("h").GetInt32();
    }

    [Fact]
    public void It_has_a_data_source_variable_and_a_route_variable()
    {
        var variables = Dashboard.GetProperty("templating").GetProperty("list").EnumerateArray().ToDictionary(v => v.GetProperty("name").GetString()!);
        Assert.Equal("datasource", variables["DS_PROMETHEUS"].GetProperty("type").GetString());
        Assert.Equal("prometheus", variables["DS_PROMETHEUS"].GetProperty("query").GetString());
        Assert.Equal("label_values(latch_validations_total{job=~\"$job\"}, route)", variables["route"].GetProperty("definition").GetString());
        Assert.Contains("$route", Panels.Single(p => p.GetProperty("title").GetString() == "Validations by outcome")
            .GetProperty("targets")[0].GetProperty("expr").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_job_variable_is_read_from_the_gateways_own_series_and_offers_every_job()
    {
        var variables = Dashboard.GetProperty("templating").GetProperty("list").EnumerateArray().ToList();
        var job = variables.Single(v => v.GetProperty("name").GetString() == "job");
        Assert.Equal("label_values(latch_store_available, job)", job.GetProperty("definition").GetString());
        Assert.True(job.GetProperty("multi").GetBoolean());
        Assert.True(job.GetProperty("includeAll").GetBoolean());

        // Defined before the route variable, whose values it narrows.
        Assert.True(variables.FindIndex(v => v.GetProperty("name").GetString() == "job") < variables.FindIndex(v => v.GetProperty("name").GetString() == "route"));
    }

    [Fact]
    public void Every_query_reads_only_the_chosen_jobs_and_none_names_a_job()
    {
        foreach (var panel in Panels)
        {
            foreach (var target in panel.GetProperty("targets").EnumerateArray())
            {
                var expr = target.GetProperty("expr").GetString()!;
                Assert.DoesNotMatch(@"\bjob\s*(=|!=|!~)\s*""", expr);
                var selectors = Selector().Matches(expr);
                Assert.NotEmpty(selectors);
                Assert.All(selectors, s => Assert.True(
                    s.Groups["labels"].Value.Contains("job=~\"$job\"", StringComparison.Ordinal),
                    $"{panel.GetProperty("title")}: {s.Value} is not filtered by $job"));
            }
        }
    }

    [GeneratedRegex(@"\b(latch_\w+|up)\b(\{(?<labels>[^}]*)\})?")]
    private static partial Regex Selector();

    private static string Expr(string title) =>
        Assert.Single(Panels.Single(p => p.GetProperty("title").GetString() == title).GetProperty("targets").EnumerateArray())
            .GetProperty("expr").GetString()!;
}
