using LatchGateway.Tests.Infrastructure;

namespace LatchGateway.Tests.Deploy;

public sealed class ComposeTests
{
    private static readonly string ComposeDirectory = RepositoryRoot.File("deploy", "compose");
    private static readonly Dictionary<object, object> Services = Yaml.Single(Path.Combine(ComposeDirectory, "compose.yaml")).Map("services");

    [Fact]
    public void Two_gateway_replicas_share_one_Redis_as_its_ACL_user()
    {
        foreach (var name in new[] { "gateway-1", "gateway-2" })
        {
            var gateway = Services.Map(name);
            var environment = gateway.Map("environment");
            Assert.Equal("Redis", environment["Latch__Store__Provider"]);
            Assert.StartsWith("redis:6379,user=latch-gateway,password=${LATCH_REDIS_PASSWORD:?", (string)environment["ConnectionStrings__Redis"], StringComparison.Ordinal);
            Assert.StartsWith("${LATCH_HASH_KEY:?", (string)environment["Latch__Codes__HashKey"], StringComparison.Ordinal);
            Assert.Equal("deploy/Dockerfile", gateway.Map("build").Text("dockerfile"));
            Assert.True(Directory.Exists(Path.GetFullPath(Path.Combine(ComposeDirectory, gateway.Map("build").Text("context")))));
            Assert.Equal("service_healthy", gateway.Map("depends_on").Map("redis").Text("condition"));
        }

        Assert.True(Services.Has("redis") && Services.Has("backend") && Services.Has("prometheus"));
    }

    [Fact]
    public void The_gateways_read_the_config_folder_and_are_health_checked_by_the_probe_argument()
    {
        foreach (var name in new[] { "gateway-1", "gateway-2" })
        {
            var gateway = Services.Map(name);
            var volume = Assert.Single(gateway.List("volumes").Cast<string>());
            Assert.Equal("./config:/app/config:ro", volume);
            Assert.True(Directory.GetFiles(Path.Combine(ComposeDirectory, "config"), "*.json").Length > 0);
            Assert.Equal(["CMD", "dotnet", "LatchGateway.dll", "--health-probe"], gateway.Map("healthcheck").List("test").Cast<string>());
        }
    }

    [Fact]
    public void Redis_persists_its_AOF_never_evicts_and_admits_no_anonymous_client()
    {
        var redis = Services.Map("redis");
        var command = redis.List("command").Cast<string>().ToList();
        Assert.Equal(["redis-server", "/usr/local/etc/redis/redis.conf", "--user", "latch-gateway", "on"], command[..5]);
        Assert.StartsWith(">${LATCH_REDIS_PASSWORD:?", command[5], StringComparison.Ordinal);
        Assert.Contains("~latch:*", command);
        Assert.Contains("-@dangerous", command);
        Assert.Contains("redis-data:/data", redis.List("volumes").Cast<string>());

        var conf = File.ReadAllLines(Path.Combine(ComposeDirectory, "redis.conf")).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        foreach (var line in new[] { "appendonly yes", "appendfsync everysec", "maxmemory 384mb", "maxmemory-policy noeviction", "dir /data" })
        {
            Assert.Contains(line, conf);
        }

        Assert.Contains(conf, l => l.StartsWith("user default off ", StringComparison.Ordinal));
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
        var settings = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(ComposeDirectory, "config", "appsettings.json"))).RootElement;
        var route = settings.GetProperty("ReverseProxy").GetProperty("Routes").GetProperty("orders-admin");
        Assert.Equal("Required", route.GetProperty("Transforms")[0].GetProperty("Latch").GetString());
        Assert.Equal("http://backend:80/", settings.GetProperty("ReverseProxy").GetProperty("Clusters").GetProperty("demo")
            .GetProperty("Destinations").GetProperty("backend").GetProperty("Address").GetString());
    }
}
