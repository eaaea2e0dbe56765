using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using LatchGateway.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace LatchGateway.Tests.Deploy;

/// <summary>
/// What <c>kubectl apply -k deploy/kubernetes/overlays/production</c> would create, rendered by kubectl kustomize:
/// the gateway's Deployment, its generated ConfigMap, Services, PodDisruptionBudget and NetworkPolicy — and no
/// Secret: those come from deploy/kubernetes/secrets or the operator's secret manager.
/// </summary>
public sealed class KubernetesTests
{
    private static readonly Lazy<Task<List<Dictionary<object, object>>>> Production =
        new(() => ManifestTools.ObjectsAsync(Path.Combine(ManifestTools.Kubernetes, "overlays", "production")));

    [Fact]
    public async Task The_gateway_runs_two_or_more_replicas_probed_on_the_admin_port_and_stays_ready_while_the_shared_store_is_down()
    {
        var deployment = await FindAsync("Deployment", "latch-gateway");
        Assert.True(int.Parse(deployment.Map("spec").Text("replicas"), CultureInfo.InvariantCulture) >= 2);

        var container = Gateway(deployment);
        var ports = container.List("ports").Cast<Dictionary<object, object>>().ToDictionary(p => p.Text("name"), p => p.Text("containerPort"));
        Assert.Equal("8080", ports["proxy"]);
        Assert.Equal("8081", ports["admin"]);

        // Not /readyz (503 while Redis is unreachable): with one shared Redis that would take every replica out of
        // the Service at once, unlatched routes included. The gateway answers 503 latch_unavailable itself.
        var readiness = container.Map("readinessProbe").Map("httpGet");
        Assert.Equal(("/healthz", "admin"), (readiness.Text("path"), readiness.Text("port")));
        var liveness = container.Map("livenessProbe").Map("httpGet");
        Assert.Equal(("/healthz", "admin"), (liveness.Text("path"), liveness.Text("port")));
        Assert.Equal("true", container.Map("securityContext").Text("readOnlyRootFilesystem"));
        Assert.Equal("false", container.Map("securityContext").Text("allowPrivilegeEscalation"));
        Assert.Equal("true", PodSpec(deployment).Map("securityContext").Text("runAsNonRoot"));
        Assert.Equal("registry.example.com/latch-gateway:1.0.0", container.Text("image"));
    }

    [Fact]
    public async Task Secrets_come_from_a_Secret_the_overlay_does_not_carry_and_settings_from_the_generated_ConfigMap_mounted_as_a_folder()
    {
        var deployment = await FindAsync("Deployment", "latch-gateway");
        var container = Gateway(deployment);
        var env = container.List("env").Cast<Dictionary<object, object>>().ToDictionary(e => e.Text("name"));

        // Re-applying the overlay never overwrites the Secrets (KubernetesSecretsTests: deploy/kubernetes/secrets).
        Assert.DoesNotContain(await Production.Value, o => o.Text("kind") == "Secret");

        foreach (var (variable, key) in new[]
        {
            ("Latch__Codes__HashKey", "hash-key"),
            ("Latch__Admin__ApiKeys__ops__Sha256", "admin-key-sha256"),
            ("ConnectionStrings__Redis", "redis-connection-string"),
        })
        {
            var reference = env[variable].Map("valueFrom").Map("secretKeyRef");
            Assert.Equal("latch-gateway-secrets", reference.Text("name"));
            Assert.Equal(key, reference.Text("key"));
            Assert.False(reference.Has("optional"), "a missing Secret must keep the pod from starting");
        }

        // The whole ConfigMap as a folder (no subPath, which Kubernetes never updates), under its generated name.
        var mount = container.List("volumeMounts").Cast<Dictionary<object, object>>().Single(m => m.Text("name") == "config");
        Assert.Equal("/app/config", mount.Text("mountPath"));
        Assert.False(mount.Has("subPath"));
        var volume = PodSpec(deployment).List("volumes").Cast<Dictionary<object, object>>().Single(v => v.Text("name") == "config");
        var configMapName = volume.Map("configMap").Text("name");
        Assert.Matches("^latch-gateway-config-[a-z0-9]{10}$", configMapName);
        var configMap = await FindAsync("ConfigMap", configMapName);
        Assert.All(configMap.Map("data").Keys.Cast<string>(), key => Assert.EndsWith(".json", key, StringComparison.Ordinal));
        Assert.Equal(["appsettings.json", "forwarded-headers.json", "routes.json"], configMap.Map("data").Keys.Cast<string>().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_proxy_Service_targets_the_proxy_port_only()
    {
        var service = await FindAsync("Service", "latch-gateway");
        var port = Assert.IsType<Dictionary<object, object>>(Assert.Single(service.Map("spec").List("ports")));
        Assert.Equal("proxy", port.Text("targetPort"));
        Assert.Equal("latch-gateway", service.Map("spec").Map("selector").Text("app.kubernetes.io/name"));
    }

    [Fact]
    public async Task Pods_spread_over_nodes_and_zones_and_carry_no_service_account_token()
    {
        var deployment = await FindAsync("Deployment", "latch-gateway");
        var pod = PodSpec(deployment);
        var spread = pod.List("topologySpreadConstraints").Cast<Dictionary<object, object>>().ToDictionary(c => c.Text("topologyKey"));
        Assert.Equal("DoNotSchedule", spread["kubernetes.io/hostname"].Text("whenUnsatisfiable"));
        Assert.Equal("ScheduleAnyway", spread["topology.kubernetes.io/zone"].Text("whenUnsatisfiable"));
        Assert.All(spread.Values, c => Assert.Equal("latch-gateway", c.Map("labelSelector").Map("matchLabels").Text("app.kubernetes.io/name")));
        Assert.All(spread.Values, c => Assert.Equal("Honor", c.Text("nodeTaintsPolicy")));

        Assert.Equal("latch-gateway", pod.Text("serviceAccountName"));
        Assert.Equal("false", pod.Text("automountServiceAccountToken"));
        Assert.Equal("false", (await FindAsync("ServiceAccount", "latch-gateway")).Text("automountServiceAccountToken"));
        var budget = (await FindAsync("PodDisruptionBudget", "latch-gateway")).Map("spec");
        Assert.Equal("1", budget.Text("minAvailable"));
        Assert.Equal("AlwaysAllow", budget.Text("unhealthyPodEvictionPolicy"));
    }

    [Fact]
    public async Task Redis_keeps_maxmemory_at_about_60_percent_of_its_memory_limit_and_has_a_headless_governing_Service()
    {
        var statefulSet = await FindAsync("StatefulSet", "latch-redis");
        var container = Gateway(statefulSet);
        var limit = container.Map("resources").Map("limits").Text("memory");
        Assert.Equal(limit, container.Map("resources").Map("requests").Text("memory"));
        Assert.EndsWith("Mi", limit, StringComparison.Ordinal);
        var limitMiB = double.Parse(limit[..^2], CultureInfo.InvariantCulture);

        var configMap = PodSpec(statefulSet).List("volumes").Cast<Dictionary<object, object>>().Single(v => v.Text("name") == "config").Map("configMap").Text("name");
        var maxmemory = (await FindAsync("ConfigMap", configMap)).Map("data").Text("redis.conf").Split('\n')
            .Single(l => l.StartsWith("maxmemory ", StringComparison.Ordinal)).Split(' ')[1];
        Assert.EndsWith("mb", maxmemory, StringComparison.Ordinal);
        var ratio = double.Parse(maxmemory[..^2], CultureInfo.InvariantCulture) / limitMiB;
        Assert.InRange(ratio, 0.55, 0.65);

        var governing = (await FindAsync("Service", statefulSet.Map("spec").Text("serviceName"))).Map("spec");
        Assert.Equal("None", governing.Text("clusterIP"));
        Assert.False((await FindAsync("Service", "latch-redis")).Map("spec").Has("clusterIP"), "the gateway's latch-redis stays a ClusterIP Service");
    }

    [Fact]
    public async Task The_grace_period_covers_the_preStop_drain_and_the_shutdown_timeout()
    {
        var deployment = await FindAsync("Deployment", "latch-gateway");
        var container = Gateway(deployment);
        var drain = int.Parse(container.Map("lifecycle").Map("preStop").Map("sleep").Text("seconds"), CultureInfo.InvariantCulture);
        var env = container.List("env").Cast<Dictionary<object, object>>().ToDictionary(e => e.Text("name"));
        var shutdown = TimeSpan.Parse(env["HostOptions__ShutdownTimeout"].Text("value"), CultureInfo.InvariantCulture);
        var grace = int.Parse(PodSpec(deployment).Text("terminationGracePeriodSeconds"), CultureInfo.InvariantCulture);

        Assert.True(drain >= 5, "the drain gives endpoints and ingress controllers a few seconds to stop sending");
        Assert.True(shutdown >= TimeSpan.FromSeconds(10));
        Assert.True(grace >= drain + shutdown.TotalSeconds + 5, $"grace {grace} s < preStop {drain} s + shutdown {shutdown.TotalSeconds} s + 5 s");
    }

    [Fact]
    public async Task Metrics_stay_scrapable_by_annotation_and_the_admin_port_stays_closed_to_other_pods()
    {
        var deployment = await FindAsync("Deployment", "latch-gateway");
        var annotations = deployment.Map("spec").Map("template").Map("metadata").Map("annotations");
        Assert.Equal(("true", "8081", "/metrics"), (annotations.Text("prometheus.io/scrape"), annotations.Text("prometheus.io/port"), annotations.Text("prometheus.io/path")));

        var rules = (await FindAsync("NetworkPolicy", "latch-gateway")).Map("spec").List("ingress").Cast<Dictionary<object, object>>().ToList();
        var admin = Assert.Single(rules, r => ((Dictionary<object, object>)r.List("ports")[0]).Text("port") == "8081");
        var from = admin.List("from").Cast<Dictionary<object, object>>().ToList();
        Assert.All(from, f => Assert.Equal("true", f.Map("podSelector").Map("matchLabels").Text("latch-gateway/admin-access")));

        // Labelled pods of the gateway's own namespace (no namespaceSelector) and of the monitoring namespace only.
        Assert.Equal(2, from.Count);
        Assert.Single(from, f => !f.Has("namespaceSelector"));
        Assert.Equal("monitoring", Assert.Single(from, f => f.Has("namespaceSelector")).Map("namespaceSelector").Map("matchLabels").Text("kubernetes.io/metadata.name"));
    }

    [Fact]
    public async Task The_ConfigMap_settings_start_a_gateway_with_a_latched_route()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var backend = await TestBackend.StartAsync();
        var settings = await ConfigMapSettingsAsync();
        settings["Latch:ForwardedHeaders:KnownNetworks:0"] = "10.244.0.0/16";
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
    public async Task The_pod_network_placeholder_left_in_stops_the_gateway_naming_the_key()
    {
        const string key = "Latch:ForwardedHeaders:KnownNetworks:0";
        await using var backend = await TestBackend.StartAsync();
        var settings = await ConfigMapSettingsAsync();
        settings["ConnectionStrings:Redis"] = "127.0.0.1:1";
        settings["Latch:Codes:HashKey"] = RedisSettings.HashKey;

        Assert.StartsWith("REPLACE-", settings[key], StringComparison.Ordinal);
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => GatewayInstance.StartAsync(backend, settings));
        Assert.Contains(key, failure.ToString(), StringComparison.Ordinal);
    }

    /// <summary>The rendered ConfigMap's files, read as the gateway reads its config folder: in ordinal name order.</summary>
    private static async Task<Dictionary<string, string?>> ConfigMapSettingsAsync()
    {
        var deployment = await FindAsync("Deployment", "latch-gateway");
        var name = PodSpec(deployment).List("volumes").Cast<Dictionary<object, object>>().Single(v => v.Text("name") == "config").Map("configMap").Text("name");
        var data = (await FindAsync("ConfigMap", name)).Map("data");
        var builder = new ConfigurationBuilder();
        foreach (var key in data.Keys.Cast<string>().Order(StringComparer.Ordinal))
        {
            builder.AddJsonStream(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(data.Text(key))));
        }

        return builder.Build().AsEnumerable().Where(p => p.Value is not null).ToDictionary(p => p.Key, p => p.Value);
    }

    private static Dictionary<object, object> PodSpec(Dictionary<object, object> workload) =>
        workload.Map("spec").Map("template").Map("spec");

    private static Dictionary<object, object> Gateway(Dictionary<object, object> deployment) =>
        Assert.IsType<Dictionary<object, object>>(Assert.Single(PodSpec(deployment).List("containers")));

    private static async Task<Dictionary<object, object>> FindAsync(string kind, string name) =>
        Assert.Single(await Production.Value, m => m.Text("kind") == kind && m.Map("metadata").Text("name") == name);
}
