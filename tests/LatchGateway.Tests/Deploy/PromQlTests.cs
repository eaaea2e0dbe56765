namespace LatchGateway.Tests.Deploy;

public sealed class PromQlTests
{
    [Theory]
    [InlineData("""sum by (route) (rate(latch_validations_total{outcome!~"accepted|missing"}[5m])) > 1""", "latch_validations_total")]
    [InlineData("histogram_quantile(0.99, sum by (le) (rate(x_bucket{route=~\"$route\"}[$__rate_interval])))", "x_bucket")]
    [InlineData("sum(a) by (instance) or b unless c offset 5m", "a b c")]
    [InlineData("rate(a[1m]) / on (route) group_left (outcome) b > bool 1e-3", "a b")]
    [InlineData("up{job=\"latch-gateway\"} == 0", "up")]
    public void It_finds_the_metric_names_and_nothing_else(string expr, string names) =>
        Assert.Equal(names.Split(' ').Order(), PromQl.MetricNames(expr).Order());
}
