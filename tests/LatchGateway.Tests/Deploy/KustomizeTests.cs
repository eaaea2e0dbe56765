using LatchGateway.Tests.Infrastructure;

namespace LatchGateway.Tests.Deploy;

/// <summary>
/// Every way deploy/kubernetes can be applied — each overlay, with and without the optional Prometheus Operator
/// component — renders with kubectl kustomize and validates against the Kubernetes schemas, unknown fields
/// included; and each variant does what its comments promise.
/// </summary>
public sealed class KustomizeTests
{
    public static TheoryData<string, string[]> Variants => new()
    {
        { "overlays/production", [] },
        { "overlays/production", ["components/prometheus-operator"] },
        { "overlays/production-loadbalancer", [] },
        { "overlays/production-loadbalancer", ["components/prometheus-operator"] },
        { "overlays/production", ["components/redis-tls"] },
        { "overlays/production-loadbalancer", ["components/redis-tls", "components/prometheus-operator"] },
    };

    [Theory]
    [MemberData(nameof(Variants))]
    public async Task The_variant_renders_and_every_object_is_valid(string overlay, string[] components)
    {
        var folder = components.Length == 0 ? Path.Combine(ManifestTools.Kubernetes, overlay) : ManifestTools.Compose(overlay, components);
        var rendered = await ManifestTools.RenderAsync(folder);
        var (exitCode, output) = await ManifestTools.ValidateAsync(rendered);
        Assert.True(exitCode == 0, $"{overlay} + [{string.Join(", ", components)}] is not valid:\n{output}");
        Assert.Matches(@"^\d+ objects valid", output.Trim());

        // Secrets come from deploy/kubernetes/secrets (or a secret manager), never from an overlay: a re-apply
        // cannot overwrite them.
        Assert.DoesNotMatch(@"(?m)^kind: Secret$", rendered);
    }

    [Fact]
    public void Every_overlay_and_component_shipped_is_among_the_variants_tested()
    {
        var tested = Variants.Select(v => (string)v[0]).Concat(Variants.SelectMany(v => (string[])v[1])).ToHashSet();
        var shipped = Directory.GetDirectories(Path.Combine(ManifestTools.Kubernetes, "overlays"))
            .Concat(Directory.GetDirectories(Path.Combine(ManifestTools.Kubernetes, "components")))
            .Select(d => Path.GetRelativePath(ManifestTools.Kubernetes, d).Replace('\\', '/'));
        var overlays = Directory.GetDirectories(Path.Combine(ManifestTools.Kubernetes, "overlays"))
            .SelectMany(d => Yaml.Single(Path.Combine(d, "kustomization.yaml")).List("components").Cast<string>())
            .Select(c => c.Replace("../../", "", StringComparison.Ordinal));
        Assert.All(shipped, s => Assert.True(tested.Contains(s) || overlays.Contains(s), $"{s} is rendered by no test"));
    }

    [Fact]
    public async Task A_changed_setting_renames_the_ConfigMap_so_apply_rolls_the_gateway()
    {
        var copy = Directory.CreateTempSubdirectory("latch-kubernetes-").FullName;
        try
        {
            CopyFolder(ManifestTools.Kubernetes, copy);
            var overlay = Path.Combine(copy, "overlays", "production");
            var before = ConfigVolume(await ManifestTools.ObjectsAsync(overlay));

            var routes = Path.Combine(overlay, "routes.json");
            await File.WriteAllTextAsync(routes, (await File.ReadAllTextAsync(routes)).Replace("/orders/admin/", "/orders/manage/", StringComparison.Ordinal));
            var after = ConfigVolume(await ManifestTools.ObjectsAsync(overlay));

            Assert.StartsWith("latch-gateway-config-", before, StringComparison.Ordinal);
            Assert.StartsWith("latch-gateway-config-", after, StringComparison.Ordinal);
            Assert.NotEqual(before, after);
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    [Fact]
    public async Task Behind_nginx_ingress_the_gateway_trusts_one_hop_from_the_controller_only()
    {
        var objects = await ManifestTools.ObjectsAsync(Path.Combine(ManifestTools.Kubernetes, "overlays", "production"));
        var ingress = Find(objects, "Ingress", "latch-gateway").Map("spec");
        Assert.Equal("nginx", ingress.Text("ingressClassName"));
        var backend = ((Dictionary<object, object>)((Dictionary<object, object>)ingress.List("rules")[0]).Map("http").List("paths")[0]).Map("backend").Map("service");
        Assert.Equal(("latch-gateway", "proxy"), (backend.Text("name"), backend.Map("port").Text("name")));

        var settings = ConfigMapFile(objects, "forwarded-headers.json").RootElement.GetProperty("Latch").GetProperty("ForwardedHeaders");
        Assert.Equal(1, settings.GetProperty("ForwardLimit").GetInt32());
        Assert.Single(settings.GetProperty("KnownNetworks").EnumerateArray());

        // The proxy port admits the ingress controller's pods, and nothing else.
        var rules = Find(objects, "NetworkPolicy", "latch-gateway").Map("spec").List("ingress").Cast<Dictionary<object, object>>();
        var proxy = Assert.Single(rules, r => ((Dictionary<object, object>)r.List("ports")[0]).Text("port") == "8080");
        var from = (Dictionary<object, object>)Assert.Single(proxy.List("from"));
        Assert.Equal("ingress-nginx", from.Map("namespaceSelector").Map("matchLabels").Text("kubernetes.io/metadata.name"));
        Assert.Equal("ingress-nginx", from.Map("podSelector").Map("matchLabels").Text("app.kubernetes.io/name"));

        // Codes presented as ?latch_code= must not land in the controller's access log.
        Assert.Equal("false", Find(objects, "Ingress", "latch-gateway").Map("metadata").Map("annotations").Text("nginx.ingress.kubernetes.io/enable-access-log"));
    }

    [Fact]
    public async Task The_load_balancer_variant_keeps_client_addresses_and_trusts_no_forwarded_header()
    {
        var objects = await ManifestTools.ObjectsAsync(Path.Combine(ManifestTools.Kubernetes, "overlays", "production-loadbalancer"));
        var service = Find(objects, "Service", "latch-gateway").Map("spec");
        Assert.Equal(("LoadBalancer", "Local"), (service.Text("type"), service.Text("externalTrafficPolicy")));
        Assert.DoesNotContain(objects, o => o.Text("kind") == "Ingress");

        var data = ConfigMap(objects).Map("data");
        Assert.False(data.Has("forwarded-headers.json"));
        Assert.All(data.Keys.Cast<string>(), key => Assert.DoesNotContain("ForwardedHeaders", data.Text(key), StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_Prometheus_Operator_component_scrapes_the_admin_port_and_keeps_the_annotations()
    {
        var objects = await ManifestTools.ObjectsAsync(ManifestTools.Compose("overlays/production", "components/prometheus-operator"));
        var monitor = Find(objects, "PodMonitor", "latch-gateway");
        Assert.Equal("monitoring.coreos.com/v1", monitor.Text("apiVersion"));
        Assert.Equal("latch-gateway", monitor.Map("spec").Map("selector").Map("matchLabels").Text("app.kubernetes.io/name"));
        var endpoint = (Dictionary<object, object>)Assert.Single(monitor.Map("spec").List("podMetricsEndpoints"));
        Assert.Equal(("admin", "/metrics"), (endpoint.Text("port"), endpoint.Text("path")));

        var template = Find(objects, "Deployment", "latch-gateway").Map("spec").Map("template");
        Assert.Equal("true", template.Map("metadata").Map("annotations").Text("prometheus.io/scrape"));
        var admin = Find(objects, "NetworkPolicy", "latch-gateway").Map("spec").List("ingress").Cast<Dictionary<object, object>>()
            .Single(r => ((Dictionary<object, object>)r.List("ports")[0]).Text("port") == "8081");
        var from = admin.List("from").Cast<Dictionary<object, object>>().ToList();
        Assert.Contains(from, f => f.Map("podSelector").Map("matchLabels").Has("latch-gateway/admin-access"));
        var prometheus = Assert.Single(from, f => f.Map("podSelector").Map("matchLabels").Has("app.kubernetes.io/name"));
        Assert.Equal("prometheus", prometheus.Map("podSelector").Map("matchLabels").Text("app.kubernetes.io/name"));
        Assert.Equal("monitoring", prometheus.Map("namespaceSelector").Map("matchLabels").Text("kubernetes.io/metadata.name"));
    }

    [Fact]
    public async Task The_Prometheus_Operator_component_carries_exactly_the_alerting_rules_of_alerts_yml()
    {
        var objects = await ManifestTools.ObjectsAsync(ManifestTools.Compose("overlays/production", "components/prometheus-operator"));
        var rule = Find(objects, "PrometheusRule", "latch-gateway");
        Assert.Equal("monitoring.coreos.com/v1", rule.Text("apiVersion"));

        var alerts = Yaml.Single(RepositoryRoot.File("deploy", "prometheus", "alerts.yml"));
        var expected = System.Text.Json.JsonSerializer.Serialize(Canonical(alerts.List("groups")));
        var actual = System.Text.Json.JsonSerializer.Serialize(Canonical(rule.Map("spec").List("groups")));
        Assert.Equal(expected, actual);
        Assert.Contains("LatchStoreUnavailable", actual, StringComparison.Ordinal);
    }

    /// <summary>Parsed YAML with every mapping's keys in ordinal order (kustomize sorts them when it renders).</summary>
    private static object? Canonical(object? node) => node switch
    {
        Dictionary<object, object> map => new SortedDictionary<string, object?>(
            map.ToDictionary(p => (string)p.Key, p => Canonical(p.Value)), StringComparer.Ordinal),
        List<object> list => list.Select(Canonical).ToList(),
        _ => node,
    };

    private static string ConfigVolume(List<Dictionary<object, object>> objects) =>
        Find(objects, "Deployment", "latch-gateway").Map("spec").Map("template").Map("spec").List("volumes").Cast<Dictionary<object, object>>()
            .Single(v => v.Text("name") == "config").Map("configMap").Text("name");

    private static Dictionary<object, object> ConfigMap(List<Dictionary<object, object>> objects) =>
        Find(objects, "ConfigMap", ConfigVolume(objects));

    private static System.Text.Json.JsonDocument ConfigMapFile(List<Dictionary<object, object>> objects, string key) =>
        System.Text.Json.JsonDocument.Parse(ConfigMap(objects).Map("data").Text(key));

    internal static Dictionary<object, object> Find(List<Dictionary<object, object>> objects, string kind, string name) =>
        Assert.Single(objects, m => m.Text("kind") == kind && m.Map("metadata").Text("name") == name);

    private static void CopyFolder(string from, string to)
    {
        foreach (var directory in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, directory)));
        }

        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
        }
    }
}
