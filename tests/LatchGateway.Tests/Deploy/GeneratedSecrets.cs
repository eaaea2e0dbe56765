using System.Text;
using System.Text.RegularExpressions;

namespace LatchGateway.Tests.Deploy;

/// <summary>
/// deploy/kubernetes/secrets as an operator uses it, in a temporary copy of the folder: make-secrets.sh run there,
/// then the folder rendered by kubectl kustomize. The Secrets' values are those of the rendered objects.
/// </summary>
internal sealed partial class GeneratedSecrets : IDisposable
{
    public static readonly string Kit = Path.Combine(ManifestTools.Kubernetes, "secrets");

    private GeneratedSecrets(string folder, string adminKey, string scriptOutput, List<Dictionary<object, object>> objects, string rendered)
    {
        Folder = folder;
        AdminKey = adminKey;
        ScriptOutput = scriptOutput;
        Objects = objects;
        Rendered = rendered;
        Gateway = Data("latch-gateway-secrets");
        RedisAcl = Data("latch-redis-acl")["users.acl"];
    }

    /// <summary>The copy of deploy/kubernetes/secrets the files were written to.</summary>
    public string Folder { get; }

    /// <summary>The admin API key the script printed once (LATCH_ADMIN_KEY=...).</summary>
    public string AdminKey { get; }

    /// <summary>What the script printed, stdout and stderr.</summary>
    public string ScriptOutput { get; }

    public List<Dictionary<object, object>> Objects { get; }

    public string Rendered { get; }

    /// <summary>The Secret latch-gateway-secrets, decoded: hash-key, admin-key-sha256, redis-connection-string.</summary>
    public IReadOnlyDictionary<string, string> Gateway { get; }

    /// <summary>users.acl of the Secret latch-redis-acl.</summary>
    public string RedisAcl { get; }

    /// <summary>The Redis password in the generated connection string.</summary>
    public string RedisPassword => PasswordOption().Match(Gateway["redis-connection-string"]).Groups[1].Value;

    /// <summary>Copies the kit (its tracked files) to a temporary folder and runs make-secrets.sh there.</summary>
    public static async Task<GeneratedSecrets> CreateAsync(params string[] arguments)
    {
        var folder = CopyKit();
        var (exitCode, output) = await RunScriptAsync(folder, arguments);
        Assert.True(exitCode == 0, $"make-secrets.sh exited with {exitCode}:\n{output}");
        var adminKey = AdminKeyLine().Match(output);
        Assert.True(adminKey.Success, $"make-secrets.sh printed no LATCH_ADMIN_KEY=:\n{output}");
        var rendered = await ManifestTools.RenderAsync(folder);
        var objects = await ManifestTools.ObjectsAsync(folder);
        return new GeneratedSecrets(folder, adminKey.Groups[1].Value, output, objects, rendered);
    }

    /// <summary>A copy of the kit's tracked files (kustomization.yaml, make-secrets.sh, .gitignore).</summary>
    public static string CopyKit()
    {
        var folder = Directory.CreateTempSubdirectory("latch-secrets-").FullName;
        foreach (var file in new[] { "kustomization.yaml", "make-secrets.sh", ".gitignore" })
        {
            File.Copy(Path.Combine(Kit, file), Path.Combine(folder, file));
        }

        return folder;
    }

    public static Task<(int ExitCode, string Output)> RunScriptAsync(string folder, params string[] arguments) =>
        ManifestTools.RunAsync("bash", [Path.Combine(folder, "make-secrets.sh"), .. arguments], folder);

    public void Dispose() => Directory.Delete(Folder, recursive: true);

    private Dictionary<string, string> Data(string name)
    {
        var secret = KustomizeTests.Find(Objects, "Secret", name);
        var data = secret.Map("data");
        return data.Keys.Cast<string>().ToDictionary(k => k, k => Encoding.UTF8.GetString(Convert.FromBase64String(data.Text(k))));
    }

    [GeneratedRegex(@"^LATCH_ADMIN_KEY=([0-9a-f]{64})$", RegexOptions.Multiline)]
    private static partial Regex AdminKeyLine();

    [GeneratedRegex(@"(?:^|,)password=([^,]+)")]
    private static partial Regex PasswordOption();
}
