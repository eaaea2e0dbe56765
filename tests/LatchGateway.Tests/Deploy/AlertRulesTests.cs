using System.Text.RegularExpressions;
using LatchGateway.Tests.Infrastructure;

namespace LatchGateway.Tests.Deploy;

public sealed partial class AlertRulesTests
{
    private static readonly List<Dictionary<object, object>> Alerts = Yaml.Single(RepositoryRoot.File("deploy", "prometheus", "alerts.yml"))
        .List("groups").SelectMany(group => group.List("rules")).Cast<Dictionary<object, object>>()
        .Where(rule => rule.Has("alert"))
        .ToList();

    [Fact]
    public void It_names_each_required_alert()
    {
        var names = Alerts.Select(a => a.Text("alert")).ToHashSet();
        foreach (var required in new[] { "LatchCodeReplayed", "LatchLockouts", "LatchRejectionSpike", "LatchStoreUnavailable", "LatchAuditDropped", "LatchGatewayDown", "LatchGatewayAbsent", "LatchBreakGlassUsed", "LatchNotificationChannelFailing" })
        {
            Assert.Contains(required, names);
        }
    }

    [Fact]
    public void Every_alert_expression_only_reads_metrics_the_gateway_exports()
    {
        foreach (var alert in Alerts)
        {
            var names = PromQl.MetricNames(alert.Text("expr"));
            Assert.NotEmpty(names);
            Assert.All(names, name => Assert.True(PromQl.KnownMetrics.Contains(name), $"{alert.Text("alert")} reads unknown metric {name}"));
        }
    }

    [Fact]
    public void Every_alert_has_a_severity_and_annotations_naming_no_user_IP_or_code()
    {
        foreach (var alert in Alerts)
        {
            Assert.Contains(alert.Map("labels").Text("severity"), new[] { "warning", "critical" });
            var annotations = alert.Map("annotations");
            var text = annotations.Text("summary") + annotations.Text("description");
            foreach (Match label in LabelReference().Matches(text))
            {
                // route, a notification channel's configured name, or the scraped replica (gateway host:port): never a
                // client's user, IP or code.
                Assert.Contains(label.Groups[1].Value, new[] { "route", "channel", "instance" });
            }
        }
    }

    [Fact]
    public void Every_alert_has_a_unit_test()
    {
        var tested = Yaml.Single(RepositoryRoot.File("deploy", "prometheus", "alerts.test.yml")).List("tests")
            .SelectMany(test => test.List("alert_rule_test")).Select(t => t.Text("alertname")).ToHashSet();
        Assert.All(Alerts, alert => Assert.Contains(alert.Text("alert"), tested));
    }

    [Fact]
    public void No_alert_names_a_job_so_they_fire_whatever_the_scrape_configuration_calls_it()
    {
        Assert.All(Alerts, alert => Assert.DoesNotMatch(@"\bjob\s*(=|!=|=~|!~)", alert.Text("expr")));
    }

    [Fact]
    public void The_down_alert_tells_a_gateway_target_by_its_own_latch_series()
    {
        var down = Alerts.Single(a => a.Text("alert") == "LatchGatewayDown").Text("expr");
        Assert.Contains("up == 0", down, StringComparison.Ordinal);
        Assert.Matches(@"and\s+on\s*\(job,\s*instance\)\s+present_over_time\(latch_store_available\[", down);
    }

    [Fact]
    public void The_down_alert_is_unit_tested_under_job_labels_of_Kubernetes_scraping_and_of_compose()
    {
        var expected = Yaml.Single(RepositoryRoot.File("deploy", "prometheus", "alerts.test.yml")).List("tests")
            .SelectMany(test => test.List("alert_rule_test"))
            .Where(t => t.Text("alertname") == "LatchGatewayDown" && t.Has("exp_alerts"))
            .SelectMany(t => t.List("exp_alerts"))
            .Select(a => a.Map("exp_labels").Text("job"))
            .ToHashSet();
        Assert.Contains("latch-gateway", expected);
        Assert.Contains(expected, job => job != "latch-gateway");
    }

    [GeneratedRegex(@"\$labels\.(\w+)")]
    private static partial Regex LabelReference();
}
