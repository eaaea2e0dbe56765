using System.Security.Cryptography;
using System.Text;
using LatchGateway.Tests.Infrastructure;

namespace LatchGateway.Tests.Deploy;

/// <summary>
/// deploy/kubernetes/secrets: make-secrets.sh writes random secrets into git-ignored files (mode 600) and prints
/// the admin key once; the folder's kustomization turns them into the two Secrets the Deployment and StatefulSet
/// read, under the names and keys they read. No overlay carries a Secret, so re-applying one never overwrites them.
/// </summary>
public sealed class KubernetesSecretsTests
{
    private static readonly string[] Files = ["hash-key", "admin-key-sha256", "redis-connection-string", "users.acl"];

    [Fact]
    public async Task The_script_writes_private_files_that_render_into_valid_Secrets_the_workloads_read()
    {
        using var secrets = await GeneratedSecrets.CreateAsync();
        if (!OperatingSystem.IsWindows())
        {
            foreach (var file in Files)
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(secrets.Folder, file)));
            }
        }

        // The Secrets with an overlay, as applied one after the other: valid, and everything the workloads refer to.
        var overlay = await ManifestTools.RenderAsync(Path.Combine(ManifestTools.Kubernetes, "overlays", "production"));
        var (exitCode, output) = await ManifestTools.ValidateAsync(secrets.Rendered + "---\n" + overlay);
        Assert.True(exitCode == 0, output);
        Assert.Equal(["latch-gateway-secrets", "latch-redis-acl"], secrets.Objects.Select(o => o.Map("metadata").Text("name")).Order(StringComparer.Ordinal));

        var objects = await ManifestTools.ObjectsAsync(Path.Combine(ManifestTools.Kubernetes, "overlays", "production"));
        var gateway = KustomizeTests.Find(objects, "Deployment", "latch-gateway").Map("spec").Map("template").Map("spec");
        var references = ((Dictionary<object, object>)gateway.List("containers")[0]).List("env").Cast<Dictionary<object, object>>()
            .Where(e => e.Has("valueFrom")).Select(e => e.Map("valueFrom").Map("secretKeyRef")).ToList();
        Assert.Equal(3, references.Count);
        Assert.All(references, r => Assert.True(r.Text("name") == "latch-gateway-secrets" && secrets.Gateway.ContainsKey(r.Text("key")), $"{r.Text("name")}/{r.Text("key")} is not generated"));
        var redis = KustomizeTests.Find(objects, "StatefulSet", "latch-redis").Map("spec").Map("template").Map("spec");
        Assert.Contains(redis.List("volumes").Cast<Dictionary<object, object>>(), v => v.Has("secret") && v.Map("secret").Text("secretName") == "latch-redis-acl");

        // The values: a 32-byte hash key, the SHA-256 of the printed admin key, a random Redis password whose
        // SHA-256 (and only that) is in users.acl.
        Assert.Equal(32, Convert.FromBase64String(secrets.Gateway["hash-key"]).Length);
        Assert.Equal(GatewayInstance.Sha256Hex(secrets.AdminKey), secrets.Gateway["admin-key-sha256"]);
        Assert.DoesNotContain(secrets.AdminKey, string.Concat(Files.Select(f => File.ReadAllText(Path.Combine(secrets.Folder, f)))), StringComparison.Ordinal);
        Assert.Matches("^latch-redis:6379,user=latch-gateway,password=[0-9a-f]{64},tiebreaker=,configChannel=$", secrets.Gateway["redis-connection-string"]);
        var passwordHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secrets.RedisPassword)));
        Assert.Contains($"user latch-gateway on #{passwordHash} resetkeys ~latch:* ", secrets.RedisAcl, StringComparison.Ordinal);
        Assert.DoesNotContain(secrets.RedisPassword, secrets.RedisAcl, StringComparison.Ordinal);
        Assert.Contains("user default off ", secrets.RedisAcl, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_second_run_refuses_to_replace_the_secrets_unless_forced()
    {
        using var secrets = await GeneratedSecrets.CreateAsync();
        var before = Files.ToDictionary(f => f, f => File.ReadAllText(Path.Combine(secrets.Folder, f)));

        var (exitCode, output) = await GeneratedSecrets.RunScriptAsync(secrets.Folder);
        Assert.Equal(1, exitCode);
        Assert.Contains("refusing to overwrite", output, StringComparison.Ordinal);
        Assert.DoesNotContain("LATCH_ADMIN_KEY=", output, StringComparison.Ordinal);
        Assert.All(Files, f => Assert.Equal(before[f], File.ReadAllText(Path.Combine(secrets.Folder, f))));

        (exitCode, output) = await GeneratedSecrets.RunScriptAsync(secrets.Folder, "--force");
        Assert.True(exitCode == 0, output);
        Assert.All(Files, f => Assert.NotEqual(before[f], File.ReadAllText(Path.Combine(secrets.Folder, f))));
    }

    [Fact]
    public async Task With_tls_the_connection_string_asks_for_TLS()
    {
        using var secrets = await GeneratedSecrets.CreateAsync("--tls");
        Assert.StartsWith("latch-redis:6379,ssl=true,user=latch-gateway,password=", secrets.Gateway["redis-connection-string"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Git_ignores_the_generated_files_and_tracks_only_the_kit()
    {
        var kit = Path.GetRelativePath(RepositoryRoot.Path, GeneratedSecrets.Kit).Replace('\\', '/');
        foreach (var file in Files.Append(".hash-key.tmp"))
        {
            var (exitCode, output) = await ManifestTools.RunAsync("git", ["check-ignore", "--no-index", $"{kit}/{file}"]);
            Assert.True(exitCode == 0, $"{kit}/{file} is not git-ignored: {output}");
        }

        foreach (var file in new[] { "kustomization.yaml", "make-secrets.sh", ".gitignore" })
        {
            var (exitCode, _) = await ManifestTools.RunAsync("git", ["check-ignore", "--no-index", $"{kit}/{file}"]);
            Assert.Equal(1, exitCode);
        }
    }
}
