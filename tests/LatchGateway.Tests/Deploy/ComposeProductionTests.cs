using LatchGateway.Tests.Infrastructure;

namespace LatchGateway.Tests.Deploy;

/// <summary>
/// deploy/compose as docker-compose itself reads it (<c>docker-compose config</c>: the file's schema, variable
/// interpolation, merge keys; no Docker engine needed). tests/run.sh installs docker-compose (Debian package).
/// </summary>
public sealed class ComposeProductionTests
{
    private static readonly Dictionary<string, string> Variables = new()
    {
        ["LATCH_HASH_KEY"] = RedisSettings.HashKey,
        ["LATCH_ADMIN_KEY_SHA256"] = GatewayInstance.Sha256Hex("admin"),
        ["LATCH_REDIS_PASSWORD"] = "0123456789abcdef0123456789abcdef",
    };

    [Fact]
    public async Task Docker_compose_accepts_the_file_and_fills_in_the_secrets_from_the_environment()
    {
        var (exitCode, output) = await ConfigAsync(Variables);

        Assert.True(exitCode == 0, $"docker-compose config exited with {exitCode}:\n{output}");
        Assert.Contains("ConnectionStrings__Redis: redis:6379,user=latch-gateway,password=0123456789abcdef0123456789abcdef,tiebreaker=,configChannel=", output, StringComparison.Ordinal);
        Assert.Contains(">0123456789abcdef0123456789abcdef", output, StringComparison.Ordinal);
        Assert.Contains("/app/config", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("LATCH_REDIS_PASSWORD")]
    [InlineData("LATCH_HASH_KEY")]
    [InlineData("LATCH_ADMIN_KEY_SHA256")]
    public async Task A_missing_secret_stops_docker_compose_naming_the_variable(string variable)
    {
        var (exitCode, output) = await ConfigAsync(Variables.Where(v => v.Key != variable).ToDictionary());

        Assert.NotEqual(0, exitCode);
        Assert.Contains($"set {variable}", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_compose_Redis_serves_the_gateway_as_its_ACL_user_and_nobody_anonymous()
    {
        // The redis service as compose runs it: deploy/compose/redis.conf, then the command line's ACL user with
        // LATCH_REDIS_PASSWORD filled in; an inspector user exists only in this test, to read ACL LOG.
        var compose = Yaml.Single(RepositoryRoot.File("deploy", "compose", "compose.yaml")).Map("services");
        var command = compose.Map("redis").List("command").Cast<string>().ToList();
        Assert.Equal(["redis-server", "/usr/local/etc/redis/redis.conf"], command[..2]);
        var password = Variables["LATCH_REDIS_PASSWORD"];
        var user = command.Skip(2).Select(a => a.StartsWith(">${LATCH_REDIS_PASSWORD", StringComparison.Ordinal) ? ">" + password : a);
        var inspector = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        var conf = await File.ReadAllTextAsync(RepositoryRoot.File("deploy", "compose", "redis.conf"));
        await using var redis = await RedisServer.StartAsync(null, [
            .. ManifestTools.RedisArguments(conf, "port", "dir"), .. user, "--user", "inspector", "on", ">" + inspector, "~*", "&*", "+@all"]);

        var connectionString = ((string)compose.Map("gateway-1").Map("environment")["ConnectionStrings__Redis"])
            .Replace("redis:6379", redis.Endpoint, StringComparison.Ordinal);
        connectionString = System.Text.RegularExpressions.Regex.Replace(connectionString, @"\$\{LATCH_REDIS_PASSWORD[^}]*\}", password);
        await using var backend = await TestBackend.StartAsync();
        await using var gateway = await GatewayInstance.StartAsync(backend, RedisSettings.For(connectionString));
        var code = await gateway.IssueAsync("orders-admin");
        using var proxy = gateway.CreateProxyClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "orders/admin/x");
        request.Headers.Add("X-Latch-Code", code.Code);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await proxy.SendAsync(request)).StatusCode);

        var port = redis.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var (_, log) = await ManifestTools.RunAsync("redis-cli", ["-p", port, "--no-auth-warning", "--user", "inspector", "--pass", inspector, "ACL", "LOG"]);
        Assert.DoesNotContain("latch:", log, StringComparison.Ordinal);
        Assert.DoesNotContain("eval", log, StringComparison.Ordinal);
        var (_, anonymous) = await ManifestTools.RunAsync("redis-cli", ["-p", port, "GET", "latch:index"]);
        Assert.Contains("NOAUTH", anonymous, StringComparison.Ordinal);
        var (_, flush) = await ManifestTools.RunAsync("redis-cli", ["-p", port, "--no-auth-warning", "--user", "latch-gateway", "--pass", password, "FLUSHALL"]);
        Assert.Contains("NOPERM", flush, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Output)> ConfigAsync(Dictionary<string, string> variables)
    {
        // Only the given variables: the machine's own LATCH_* must not make a test pass.
        var arguments = new List<string> { "-i" };
        foreach (var name in new[] { "PATH", "HOME" })
        {
            arguments.Add($"{name}={Environment.GetEnvironmentVariable(name)}");
        }

        arguments.AddRange(variables.Select(v => $"{v.Key}={v.Value}"));
        arguments.AddRange(["docker-compose", "-f", RepositoryRoot.File("deploy", "compose", "compose.yaml"), "config"]);
        var (exitCode, output) = await ManifestTools.RunAsync("env", arguments);
        Assert.DoesNotContain("docker-compose: No such file", output, StringComparison.Ordinal);
        Assert.False(exitCode == 127, $"docker-compose was not found: run tests/run.sh, which installs it (Debian package docker-compose).\n{output}");
        return (exitCode, output);
    }
}
