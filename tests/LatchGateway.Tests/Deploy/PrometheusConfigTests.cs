using LatchGateway.Tests.Infrastructure;

namespace LatchGateway.Tests.Deploy;

public sealed class PrometheusConfigTests
{
    [Fact]
    public void It_scrapes_metrics_from_every_replica_on_the_admin_port()
    {
        var config = Yaml.Single(RepositoryRoot.File("deploy", "prometheus", "prometheus.yml"));
        var job = Assert.IsType<Dictionary<object, object>>(Assert.Single(config.List("scrape_configs")));
        Assert.Equal("/metrics", job.Text("metrics_path"));
        var targets = ((Dictionary<object, object>)job.List("static_configs")[0]).List("targets").Cast<string>().ToList();
        Assert.Equal(["gateway-1:8081", "gateway-2:8081"], targets);
    }

    [Fact]
    public void It_loads_the_alert_rules_from_beside_it_and_compose_mounts_both()
    {
        var folder = RepositoryRoot.File("deploy", "prometheus");
        var config = Yaml.Single(Path.Combine(folder, "prometheus.yml"));
        Assert.Equal(["alerts.yml"], config.List("rule_files").Cast<string>());
        Assert.True(File.Exists(Path.Combine(folder, "alerts.yml")));

        var prometheus = Yaml.Single(RepositoryRoot.File("deploy", "compose", "compose.yaml")).Map("services").Map("prometheus");
        Assert.Contains("../prometheus:/etc/prometheus:ro", prometheus.List("volumes").Cast<string>());
        Assert.Contains("--config.file=/etc/prometheus/prometheus.yml", prometheus.List("command").Cast<string>());
    }
}
