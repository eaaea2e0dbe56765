using System.Net;
using LatchGateway.Store.Redis;
using LatchGateway.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace LatchGateway.Tests.Deploy;

/// <summary>
/// The production overlay with the redis-tls component, end to end: Redis started with the rendered redis.conf,
/// users.acl and the StatefulSet's TLS-only command, and a gateway given what the rendered Deployment gives its
/// container (the ConfigMap's files, its environment, the Secret's connection string with ssl=true, the CA at the
/// mounted path) — only addresses, ports and mount folders changed for this machine.
/// </summary>
public sealed partial class RedisDeployTests
{
    [Fact]
    public async Task A_gateway_deployed_with_the_TLS_component_latches_codes_through_TLS_only_Redis_and_is_ready()
    {
        var objects = await ManifestTools.ObjectsAsync(ManifestTools.Compose("overlays/production", "components/redis-tls"));
        var redis = (Dictionary<object, object>)Assert.Single(
            KustomizeTests.Find(objects, "StatefulSet", "latch-redis").Map("spec").Map("template").Map("spec").List("containers"));
        var redisMount = redis.List("volumeMounts").Cast<Dictionary<object, object>>().Single(m => m.Text("name") == "tls").Text("mountPath");
        var deployment = KustomizeTests.Find(objects, "Deployment", "latch-gateway").Map("spec").Map("template").Map("spec");
        var gatewayContainer = (Dictionary<object, object>)Assert.Single(deployment.List("containers"));
        var caMount = gatewayContainer.List("volumeMounts").Cast<Dictionary<object, object>>().Single(m => m.Text("name") == "redis-ca").Text("mountPath");

        // The Secret latch-redis-tls in a folder standing for both mounts (the gateway's holds only ca.crt of it).
        var tls = Directory.CreateTempSubdirectory("latch-redis-tls-").FullName;
        try
        {
            WriteCertificates(tls);
            var port = FreePort.Next();
            var command = redis.List("command").Cast<string>().ToList();
            Assert.Equal(["redis-server", "/etc/redis/conf/redis.conf"], command[..2]);
            var arguments = command.Skip(2)
                .Select(a => a.Replace(redisMount, tls, StringComparison.Ordinal))
                .Select(a => a == "6379" ? port.ToString(System.Globalization.CultureInfo.InvariantCulture) : a)
                .ToArray();
            await using var deployed = await DeployedRedis.StartAsync(port, arguments);

            // The generated Secret's connection string (make-secrets.sh) with ssl=true added as the component says.
            var connection = deployed.Secrets.Gateway["redis-connection-string"];
            Assert.StartsWith("latch-redis:6379,", connection, StringComparison.Ordinal);
            var values = new Dictionary<string, string>
            {
                ["redis-connection-string"] = connection
                    .Replace("latch-redis:6379,", $"{deployed.Server.Endpoint},ssl=true,", StringComparison.Ordinal),
                ["hash-key"] = RedisSettings.HashKey,
                ["admin-key-sha256"] = GatewayInstance.Sha256Hex(GatewayInstance.ApiKeys["ops"].Key),
            };

            var settings = ConfigFolderSettings(objects, deployment);
            foreach (var variable in gatewayContainer.List("env").Cast<Dictionary<object, object>>())
            {
                var key = variable.Text("name").Replace("__", ":", StringComparison.Ordinal);
                settings[key] = variable.Has("valueFrom")
                    ? values[variable.Map("valueFrom").Map("secretKeyRef").Text("key")]
                    : variable.Text("value").Replace(caMount, tls, StringComparison.Ordinal);
            }

            Assert.Equal(Path.Combine(tls, "ca.crt"), settings["Latch:Store:Redis:TrustedCaPath"]);
            Assert.Contains("ssl=true", settings["ConnectionStrings:Redis"], StringComparison.Ordinal);

            // What only the cluster provides: the backend's address and the pod network.
            await using var backend = await TestBackend.StartAsync();
            settings["ReverseProxy:Clusters:orders:Destinations:d1:Address"] = backend.Address.ToString();
            settings["Latch:ForwardedHeaders:KnownNetworks:0"] = "10.244.0.0/16";
            await using var gateway = await GatewayInstance.StartAsync(backend, settings);

            using var admin = gateway.CreateAdminClient(null);
            using (var ready = await admin.GetAsync("readyz"))
            {
                Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            }

            var code = await gateway.IssueAsync("orders-admin");
            using var proxy = gateway.CreateProxyClient();
            foreach (var expected in new[] { HttpStatusCode.OK, HttpStatusCode.Forbidden })
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "orders/admin/x");
                request.Headers.Add("X-Latch-Code", code.Code);
                using var response = await proxy.SendAsync(request);
                Assert.Equal(expected, response.StatusCode);
            }

            // The code lives in the TLS-only Redis (plain TCP gets no answer from it).
            var (_, keys) = await ManifestTools.RunAsync("redis-cli", ["--tls", "--cacert", Path.Combine(tls, "ca.crt"), "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--no-auth-warning", "--user", Inspector, "--pass", InspectorPassword, "EXISTS", (string)new RedisKeys("latch").Id(code.Id)!]);
            Assert.Equal("1", keys.Trim());
            Assert.DoesNotContain(gateway.Logs.Lines, l => l.Contains("Redis is unreachable", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(tls, recursive: true);
        }
    }

    /// <summary>The rendered gateway ConfigMap's files, read as the gateway reads its config folder: in ordinal name order.</summary>
    private static Dictionary<string, string?> ConfigFolderSettings(List<Dictionary<object, object>> objects, Dictionary<object, object> podSpec)
    {
        var name = podSpec.List("volumes").Cast<Dictionary<object, object>>().Single(v => v.Text("name") == "config").Map("configMap").Text("name");
        var data = KustomizeTests.Find(objects, "ConfigMap", name).Map("data");
        var builder = new ConfigurationBuilder();
        foreach (var key in data.Keys.Cast<string>().Order(StringComparer.Ordinal))
        {
            builder.AddJsonStream(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(data.Text(key))));
        }

        return builder.Build().AsEnumerable().Where(p => p.Value is not null).ToDictionary(p => p.Key, p => p.Value);
    }
}
