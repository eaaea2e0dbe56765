using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LatchGateway.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace LatchGateway.Tests.Deploy;

public sealed class KubernetesTests
{
    private static readonly string Folder = RepositoryRoot.File("deploy", "kubernetes");

    private static readonly List<Dictionary<object, object>> Manifests = Directory.GetFiles(Folder, "*.yaml")
        .Where(f => Path.GetFileName(f) != "kustomization.yaml")
        .SelectMany(Yaml.Documents)
        .ToList();

    [Fact]
    public void Kustomization_lists_every_manifest_and_nothing_missing()
    {
        var resources = Yaml.Single(Path.Combine(Folder, "kustomization.yaml")).List("resources").Cast<string>().Order().ToList();
        var files = Directory.GetFiles(Folder, "*.yaml").Select(f => Path.GetFileName(f)).Where(f => f != "kustomization.yaml").Order().ToList();
        Assert.Equal(files, resources);
    }

    [Fact]
    public void The_gateway_runs_two_or_more_replicas_probed_on_the_admin_port()
    {
        var deployment = Find("Deployment", "latch-gateway");
        Assert.True(int.Parse(deployment.Map("spec").Text("replicas"), System.Globalization.CultureInfo.InvariantCulture) >= 2);

        var container = Assert.IsType<Dictionary<object, object>>(Assert.Single(deployment.Map("spec").Map("template").Map("spec").List("containers")));
        var ports = container.List("ports").Cast<Dictionary<object, object>>().ToDictionary(p => p.Text("name"), p => p.Text("containerPort"));
        Assert.Equal("8080", ports["proxy"]);
        Assert.Equal("8081", ports["admin"]);

        var readiness = container.Map("readinessProbe").Map("httpGet");
        Assert.Equal(("/readyz", "admin"), (readiness.Text("path"), readiness.Text("port")));
        var liveness = container.Map("livenessProbe").Map("httpGet");
        Assert.Equal(("/healthz", "admin"), (liveness.Text("path"), liveness.Text("port")));
        Assert.Equal("true", container.Map("securityContext").Text("readOnlyRootFilesystem"));
        Assert.Equal("true", deployment.Map("spec").Map("template").Map("spec").Map("securityContext").Text("runAsNonRoot"));
    }

    [Fact]
    public void Secrets_come_from_the_Secret_and_routes_from_the_ConfigMap()
    {
        var deployment = Find("Deployment", "latch-gateway");
        var container = (Dictionary<object, object>)deployment.Map("spec").Map("template").Map("spec").List("containers")[0];
        var env = container.List("env").Cast<Dictionary<object, object>>().ToDictionary(e => e.Text("name"));
        var secret = Find("Secret", "latch-gateway-secrets").Map("stringData");

        foreach (var (variable, key) in new[] { ("Latch__Codes__HashKey", "hash-key"), ("Latch__Admin__ApiKeys__ops__Sha256", "admin-key-sha256") })
        {
            var reference = env[variable].Map("valueFrom").Map("secretKeyRef");
            Assert.Equal("latch-gateway-secrets", reference.Text("name"));
            Assert.Equal(key, reference.Text("key"));
            Assert.True(secret.Has(key));
        }

        Assert.Equal("Redis", env["Latch__Store__Provider"].Text("value"));
        var redisService = Find("Service", "latch-redis");
        Assert.Equal($"{redisService.Map("metadata").Text("name")}:6379", env["ConnectionStrings__Redis"].Text("value"));

        var mount = container.List("volumeMounts").Cast<Dictionary<object, object>>().Single(m => m.Text("name") == "config");
        Assert.Equal("/app/appsettings.Production.json", mount.Text("mountPath"));
        Assert.True(Find("ConfigMap", "latch-gateway-config").Map("data").Has(mount.Text("subPath")));
    }

    [Fact]
    public void The_proxy_Service_targets_the_proxy_port_only()
    {
        var service = Find("Service", "latch-gateway");
        var port = Assert.IsType<Dictionary<object, object>>(Assert.Single(service.Map("spec").List("ports")));
        Assert.Equal("proxy", port.Text("targetPort"));
        Assert.Equal("latch-gateway", service.Map("spec").Map("selector").Text("app.kubernetes.io/name"));
    }

    [Fact]
    public async Task The_ConfigMap_settings_start_a_gateway_with_a_latched_route()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var backend = await TestBackend.StartAsync();
        var settings = ConfigMapSettings();
        foreach (var (key, value) in RedisSettings.For(redis.Endpoint))
        {
            settings.TryAdd(key, value);
        }

        settings["ConnectionStrings:Redis"] = redis.Endpoint;
        await using var gateway = await GatewayInstance.StartAsync(backend, settings);
        using var admin = gateway.CreateAdminClient();
        var routes = await admin.GetFromJsonAsync<JsonElement[]>("admin/routes");
        Assert.Contains(routes!, r => r.GetProperty("id").GetString() == "orders-admin" && r.GetProperty("latch").GetBoolean());
    }

    [Fact]
    public async Task The_placeholder_Secret_stops_the_gateway_naming_the_key()
    {
        await using var backend = await TestBackend.StartAsync();
        var settings = ConfigMapSettings();
        settings["ConnectionStrings:Redis"] = "127.0.0.1:1";
        settings["Latch:Codes:HashKey"] = Find("Secret", "latch-gateway-secrets").Map("stringData").Text("hash-key");

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => GatewayInstance.StartAsync(backend, settings));
        Assert.Contains("Latch:Codes:HashKey", failure.ToString(), StringComparison.Ordinal);
    }

    private static Dictionary<string, string?> ConfigMapSettings()
    {
        var json = Find("ConfigMap", "latch-gateway-config").Map("data").Text("appsettings.Production.json");
        var configuration = new ConfigurationBuilder().AddJsonStream(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json))).Build();
        return configuration.AsEnumerable().Where(p => p.Value is not null).ToDictionary(p => p.Key, p => p.Value);
    }

    private static Dictionary<object, object> Find(string kind, string name) =>
        Assert.Single(Manifests, m => m.Text("kind") == kind && m.Map("metadata").Text("name") == name);
}
