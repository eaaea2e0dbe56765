using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using LatchGateway.Store.Redis;
using LatchGateway.Tests.Infrastructure;

namespace LatchGateway.Tests.Deploy;

/// <summary>
/// The Redis that deploy/kubernetes ships, run for real: a redis-server started with the rendered redis.conf and
/// the users.acl that deploy/kubernetes/secrets/make-secrets.sh generates (only its network address and folders
/// changed for this machine), and a gateway using the generated connection string. The gateway works as the ACL user; that user can do nothing else; a full Redis fails closed.
/// </summary>
public sealed partial class RedisDeployTests
{
    private const string Inspector = "inspector";
    private static readonly string InspectorPassword = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    private static readonly Lazy<Task<List<Dictionary<object, object>>>> Production =
        new(() => ManifestTools.ObjectsAsync(Path.Combine(ManifestTools.Kubernetes, "overlays", "production")));

    [Fact]
    public async Task The_gateway_works_as_its_ACL_user_and_that_user_can_do_nothing_else()
    {
        await using var deployed = await DeployedRedis.StartAsync();
        await using var backend = await TestBackend.StartAsync();
        await using var gateway = await GatewayInstance.StartAsync(backend, deployed.GatewaySettings());

        // Codes, lockout counting, the audit trail: every Redis path of a code's life, as the ACL user.
        var code = await gateway.IssueAsync("orders-admin");
        using var proxy = gateway.CreateProxyClient();
        using var wrong = new HttpRequestMessage(HttpMethod.Get, "orders/admin/x");
        wrong.Headers.Add("X-Latch-Code", "ABCD-EFGH-JKMN-PQRS");
        Assert.Equal(HttpStatusCode.Forbidden, (await proxy.SendAsync(wrong)).StatusCode);
        using var right = new HttpRequestMessage(HttpMethod.Get, "orders/admin/x");
        right.Headers.Add("X-Latch-Code", code.Code);
        Assert.Equal(HttpStatusCode.OK, (await proxy.SendAsync(right)).StatusCode);
        var second = await gateway.IssueAsync("orders-admin");
        using var admin = gateway.CreateAdminClient();
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"admin/codes/{second.Id}")).StatusCode);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while ((await admin.GetFromJsonAsync<System.Text.Json.JsonElement[]>("admin/audit"))!.Length < 5)
        {
            Assert.True(DateTime.UtcNow < deadline, "the audit trail did not reach Redis");
            await Task.Delay(100);
        }

        // Redis denied the gateway nothing but the CONFIG GET its client tries on connecting.
        var denied = await deployed.CliAsync(Inspector, InspectorPassword, "ACL", "LOG");
        var objects = DeniedObject().Matches(denied).Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.True(objects.All(o => o == "config|get"), $"Redis denied the gateway: {string.Join(", ", objects)}");

        // The gateway's user cannot wipe, reconfigure, enumerate or step outside its keys.
        foreach (var command in new[] { new[] { "FLUSHALL" }, ["CONFIG", "SET", "maxmemory", "0"], ["KEYS", "*"], ["SET", "other:key", "1"], ["ACL", "LIST"], ["SCRIPT", "FLUSH"], ["FUNCTION", "FLUSH"], ["SUBSCRIBE", "x"] })
        {
            var answer = await deployed.CliAsync("latch-gateway", deployed.Password, command);
            Assert.Contains("NOPERM", answer, StringComparison.Ordinal);
        }

        // Without authenticating, nothing at all.
        Assert.Contains("NOAUTH", await deployed.CliAsync(null, null, "GET", "latch:index"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_StatefulSet_probes_pass_against_the_shipped_configuration()
    {
        await using var deployed = await DeployedRedis.StartAsync();
        var container = (Dictionary<object, object>)Assert.Single(
            KustomizeTests.Find(await Production.Value, "StatefulSet", "latch-redis").Map("spec").Map("template").Map("spec").List("containers"));

        foreach (var probe in new[] { "startupProbe", "readinessProbe", "livenessProbe" })
        {
            var command = container.Map(probe).Map("exec").List("command").Cast<string>().ToList();
            Assert.Contains("--user healthcheck", command[^1], StringComparison.Ordinal);
            command[^1] = command[^1].Replace("redis-cli ", $"redis-cli -p {deployed.Server.Port} ", StringComparison.Ordinal);
            var (exitCode, output) = await ManifestTools.RunAsync(command[0], command.Skip(1));
            Assert.True(exitCode == 0, $"{probe} failed: {output}");
        }
    }

    [Fact]
    public async Task A_full_Redis_refuses_new_codes_with_503_and_evicts_none()
    {
        await using var deployed = await DeployedRedis.StartAsync();
        Assert.Contains("noeviction", await deployed.CliAsync(Inspector, InspectorPassword, "CONFIG", "GET", "maxmemory-policy"), StringComparison.Ordinal);
        Assert.Contains("402653184", await deployed.CliAsync(Inspector, InspectorPassword, "CONFIG", "GET", "maxmemory"), StringComparison.Ordinal);

        await using var backend = await TestBackend.StartAsync();
        await using var gateway = await GatewayInstance.StartAsync(backend, deployed.GatewaySettings());
        var first = await gateway.IssueAsync("orders-admin");

        // Shrink the limit to just above what is in use, then issue until Redis is full.
        var info = await deployed.CliAsync(Inspector, InspectorPassword, "INFO", "memory");
        var used = long.Parse(UsedMemory().Match(info).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        await deployed.CliAsync(Inspector, InspectorPassword, "CONFIG", "SET", "maxmemory", (used + 256 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture));

        using var admin = gateway.CreateAdminClient();
        var issued = 1;
        HttpResponseMessage response;
        while (true)
        {
            response = await admin.PostAsJsonAsync("admin/codes", new { route = "orders-admin", reason = new string('x', 200) });
            if (response.StatusCode != HttpStatusCode.Created || issued > 5000)
            {
                break;
            }

            issued++;
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var codes = (await deployed.CliAsync(Inspector, InspectorPassword, "--scan", "--pattern", "latch:code:*"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
        Assert.True(codes >= issued, $"{issued} codes issued, {codes} left in Redis");
        Assert.Contains("1", await deployed.CliAsync(Inspector, InspectorPassword, "EXISTS", (string)new RedisKeys("latch").Id(first.Id)!), StringComparison.Ordinal);
        Assert.Contains("evicted_keys:0", await deployed.CliAsync(Inspector, InspectorPassword, "INFO", "stats"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_the_TLS_component_Redis_speaks_only_TLS_to_the_ACL_user_and_its_probes_pass()
    {
        var objects = await ManifestTools.ObjectsAsync(ManifestTools.Compose("overlays/production", "components/redis-tls"));
        var container = (Dictionary<object, object>)Assert.Single(
            KustomizeTests.Find(objects, "StatefulSet", "latch-redis").Map("spec").Map("template").Map("spec").List("containers"));
        var mount = container.List("volumeMounts").Cast<Dictionary<object, object>>().Single(m => m.Text("name") == "tls").Text("mountPath");

        // The Secret latch-redis-tls, as cert-manager or the operator would make it, in a folder standing for the mount.
        var tls = Directory.CreateTempSubdirectory("latch-redis-tls-").FullName;
        try
        {
            WriteCertificates(tls);
            var port = FreePort.Next();
            var command = container.List("command").Cast<string>().ToList();
            Assert.Equal(["redis-server", "/etc/redis/conf/redis.conf"], command[..2]);
            var arguments = command.Skip(2)
                .Select(a => a.Replace(mount, tls, StringComparison.Ordinal))
                .Select(a => a == "6379" ? port.ToString(System.Globalization.CultureInfo.InvariantCulture) : a)
                .ToArray();
            await using var deployed = await DeployedRedis.StartAsync(port, arguments);

            // Plain TCP gets nothing; TLS with the CA and the gateway's user works.
            Assert.DoesNotContain("PONG", await deployed.CliAsync("healthcheck", "nopass", "PING"), StringComparison.Ordinal);
            var (_, written) = await ManifestTools.RunAsync("redis-cli", ["--tls", "--cacert", Path.Combine(tls, "ca.crt"), "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--no-auth-warning", "--user", "latch-gateway", "--pass", deployed.Password, "SET", "latch:tls", "1"]);
            Assert.Equal("OK", written.Trim());

            foreach (var probe in new[] { "startupProbe", "readinessProbe", "livenessProbe" })
            {
                var probeCommand = container.Map(probe).Map("exec").List("command").Cast<string>().ToList();
                probeCommand[^1] = probeCommand[^1].Replace(mount, tls, StringComparison.Ordinal).Replace("redis-cli ", $"redis-cli -p {port} ", StringComparison.Ordinal);
                var (exitCode, output) = await ManifestTools.RunAsync(probeCommand[0], probeCommand.Skip(1));
                Assert.True(exitCode == 0, $"{probe} failed: {output}");
            }
        }
        finally
        {
            Directory.Delete(tls, recursive: true);
        }

        // The gateway trusts the same CA, from the same Secret.
        var gateway = KustomizeTests.Find(objects, "Deployment", "latch-gateway").Map("spec").Map("template").Map("spec");
        var env = ((Dictionary<object, object>)gateway.List("containers")[0]).List("env").Cast<Dictionary<object, object>>().ToDictionary(e => e.Text("name"));
        Assert.Equal("/etc/latch/redis-ca/ca.crt", env["Latch__Store__Redis__TrustedCaPath"].Text("value"));
        Assert.Contains(gateway.List("volumes").Cast<Dictionary<object, object>>(), v => v.Has("secret") && v.Map("secret").Text("secretName") == "latch-redis-tls");
    }

    /// <summary>A private CA (ca.crt) and a certificate for latch-redis and 127.0.0.1 it issued (tls.crt, tls.key).</summary>
    private static void WriteCertificates(string folder)
    {
        var now = DateTimeOffset.UtcNow;
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=Latch test CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var ca = caRequest.CreateSelfSigned(now.AddHours(-1), now.AddDays(1));

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=latch-redis", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("latch-redis");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var certificate = request.Create(ca, now.AddHours(-1), now.AddDays(1), RandomNumberGenerator.GetBytes(8));

        File.WriteAllText(Path.Combine(folder, "ca.crt"), ca.ExportCertificatePem());
        File.WriteAllText(Path.Combine(folder, "tls.crt"), certificate.ExportCertificatePem());
        File.WriteAllText(Path.Combine(folder, "tls.key"), key.ExportPkcs8PrivateKeyPem());
    }

    /// <summary>
    /// redis.conf as rendered, as redis-server command-line arguments, less what only fits a pod (address, port,
    /// data folder, ACL file path); <paramref name="aclFile"/> is the ACL file used instead.
    /// </summary>
    private static async Task<List<string>> ConfigArgumentsAsync(string aclFile)
    {
        var objects = await Production.Value;
        var statefulSet = KustomizeTests.Find(objects, "StatefulSet", "latch-redis");
        var configMap = statefulSet.Map("spec").Map("template").Map("spec").List("volumes").Cast<Dictionary<object, object>>()
            .Single(v => v.Text("name") == "config").Map("configMap").Text("name");
        var conf = KustomizeTests.Find(objects, "ConfigMap", configMap).Map("data").Text("redis.conf");

        var arguments = ManifestTools.RedisArguments(conf, "bind", "port", "dir", "aclfile");
        arguments.AddRange(["--aclfile", aclFile]);
        return arguments;
    }

    [GeneratedRegex(@"""?object""?\s*\n\s*(?:\d+\)\s*)?""?([a-z|_]+)""?", RegexOptions.IgnoreCase)]
    private static partial Regex DeniedObject();

    [GeneratedRegex(@"used_memory:(\d+)")]
    private static partial Regex UsedMemory();

    /// <summary>
    /// A redis-server with the shipped configuration and the users of deploy/kubernetes/secrets (make-secrets.sh run
    /// in a temporary copy), and the gateway's connection string from the same generated Secret.
    /// </summary>
    private sealed class DeployedRedis : IAsyncDisposable
    {
        private readonly string _folder;

        private DeployedRedis(string folder, RedisServer server, GeneratedSecrets secrets, string connectionString)
        {
            _folder = folder;
            Server = server;
            Secrets = secrets;
            ConnectionString = connectionString;
        }

        public RedisServer Server { get; }

        /// <summary>What make-secrets.sh generated: both Secrets, decoded, and the admin key it printed.</summary>
        public GeneratedSecrets Secrets { get; }

        /// <summary>The gateway's Redis password (in the generated connection string; Redis has only its hash).</summary>
        public string Password => Secrets.RedisPassword;

        /// <summary>The generated connection string, its host latch-redis:6379 replaced by this server's address.</summary>
        public string ConnectionString { get; }

        public static async Task<DeployedRedis> StartAsync(int? port = null, params string[] extraArguments)
        {
            var secrets = await GeneratedSecrets.CreateAsync();
            var folder = Directory.CreateTempSubdirectory("latch-redis-acl-").FullName;
            var acl = Path.Combine(folder, "users.acl");

            // The generated users.acl as Redis reads it from the Secret's mount. The inspector (every right) exists
            // only in this test, to look at Redis from outside.
            await File.WriteAllTextAsync(acl, secrets.RedisAcl + $"user {Inspector} on >{InspectorPassword} ~* &* +@all\n");
            var server = await RedisServer.StartAsync(port, [.. await ConfigArgumentsAsync(acl), .. extraArguments]);

            var generated = secrets.Gateway["redis-connection-string"];
            Assert.StartsWith("latch-redis:6379,", generated, StringComparison.Ordinal);
            var connectionString = generated.Replace("latch-redis:6379", server.Endpoint, StringComparison.Ordinal);
            return new DeployedRedis(folder, server, secrets, connectionString);
        }

        /// <summary>A gateway on this Redis with the generated connection string and hash key.</summary>
        public Dictionary<string, string?> GatewaySettings()
        {
            var settings = RedisSettings.For(ConnectionString);
            settings["Latch:Codes:HashKey"] = Secrets.Gateway["hash-key"];
            return settings;
        }

        public async Task<string> CliAsync(string? user, string? password, params string[] command)
        {
            var arguments = new List<string> { "-p", Server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--no-auth-warning" };
            if (user is not null)
            {
                arguments.AddRange(["--user", user, "--pass", password!]);
            }

            arguments.AddRange(command);
            var (_, output) = await ManifestTools.RunAsync("redis-cli", arguments);
            return output;
        }

        public async ValueTask DisposeAsync()
        {
            await Server.DisposeAsync();
            Directory.Delete(_folder, recursive: true);
            Secrets.Dispose();
        }
    }
}
