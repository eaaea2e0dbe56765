using LatchGateway.Tests.Infrastructure;

namespace LatchGateway.Tests.Deploy;

public sealed class ComposeTests
{
    private static readonly string ComposeDirectory = RepositoryRoot.File("deploy", "compose");
    private static readonly Dictionary<object, object> Services = Yaml.Single(Path.Combine(ComposeDirectory, "compose.yaml")).Map("services");

    [Fact]
    public void Two_gateway_replicas_share_one_Redis()
    {
        foreach (var name in new[] { "gateway-1", "gateway-2" })
        {
            var gateway = Services.Map(name);
            var environment = gateway.Map("environment");
            Assert.Equal("Redis", environment["Latch__Store__Provider"]);
            Assert.Equal("redis:6379", environment["ConnectionStrings__Redis"]);
            Assert.StartsWith("${LATCH_HASH_KEY:?", (string)environment["Latch__Codes__HashKey"], StringComparison.Ordinal);
            Assert.Equal("deploy/Dockerfile", gateway.Map("build").Text("dockerfile"));
            Assert.True(Directory.Exists(Path.GetFullPath(Path.Combine(ComposeDirectory, gateway.Map("build").Text("context")))));
            foreach (var volume in gateway.List("volumes").Cast<string>())
            {
                Assert.True(File.Exists(Path.Combine(ComposeDirectory, volume.Split(':')[0])), volume);
            }
        }

        Assert.True(Services.Has("redis") && Services.Has("backend") && Services.Has("prometheus"));
    }

    [Fact]
    public void Only_the_first_replica_publishes_its_admin_port_and_only_on_loopback()
    {
        var published = Services.Keys.Cast<string>()
            .SelectMany(name => Services[name].Has("ports") ? Services[name].List("ports").Cast<string>().Select(p => (name, p)) : [])
            .Where(x => x.p.EndsWith(":8081", StringComparison.Ordinal))
            .ToList();

        Assert.Equal(("gateway-1", "127.0.0.1:8081:8081"), Assert.Single(published));
    }

    [Fact]
    public void The_routes_file_latches_a_route_to_the_demo_backend()
    {
        var settings = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(ComposeDirectory, "gateway.appsettings.json"))).RootElement;
        var route = settings.GetProperty("ReverseProxy").GetProperty("Routes").GetProperty("orders-admin");
        Assert.Equal("Required", route.GetProperty("Transforms")[0].GetProperty("Latch").GetString());
        Assert.Equal("http://backend:80/", settings.GetProperty("ReverseProxy").GetProperty("Clusters").GetProperty("demo")
            .GetProperty("Destinations").GetProperty("backend").GetProperty("Address").GetString());
    }
}
