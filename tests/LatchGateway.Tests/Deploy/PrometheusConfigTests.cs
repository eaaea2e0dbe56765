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
}
