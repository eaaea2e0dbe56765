using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace LatchGateway.Tests.Hosting;

/// <summary>
/// A directory laid out the way kubelet's AtomicWriter lays out a mounted ConfigMap: each file is a symbolic link
/// <c>name -&gt; ..data/name</c>, <c>..data</c> is a link to a timestamped directory holding the real files, and an
/// update writes a new timestamped directory, points a new link <c>..data_tmp</c> at it, renames that link over
/// <c>..data</c> (one atomic rename(2)) and deletes the old directory.
/// </summary>
internal sealed class ConfigDirectoryLayout : IDisposable
{
    private int _version;

    public ConfigDirectoryLayout(IReadOnlyDictionary<string, JsonObject> files)
    {
        Publish(files, first: true);
    }

    public string Path { get; } = Directory.CreateTempSubdirectory("latch-configmap-").FullName;

    /// <summary>What kubelet does when the ConfigMap changes.</summary>
    public void Publish(IReadOnlyDictionary<string, JsonObject> files) => Publish(files, first: false);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private void Publish(IReadOnlyDictionary<string, JsonObject> files, bool first)
    {
        var stamp = $"..2026_11_30_05_00_{++_version:00}.{Random.Shared.Next(100_000_000, 999_999_999).ToString(CultureInfo.InvariantCulture)}";
        var versionDirectory = Directory.CreateDirectory(System.IO.Path.Combine(Path, stamp)).FullName;
        foreach (var (name, content) in files)
        {
            File.WriteAllText(System.IO.Path.Combine(versionDirectory, name), content.ToJsonString());
        }

        var data = System.IO.Path.Combine(Path, "..data");
        var previous = first ? null : new FileInfo(data).LinkTarget;
        var temporary = System.IO.Path.Combine(Path, "..data_tmp");
        File.CreateSymbolicLink(temporary, stamp);
        Rename(temporary, data);
        foreach (var name in files.Keys)
        {
            var link = System.IO.Path.Combine(Path, name);
            if (!File.Exists(link))
            {
                File.CreateSymbolicLink(link, System.IO.Path.Combine("..data", name));
            }
        }

        if (previous is not null)
        {
            Directory.Delete(System.IO.Path.Combine(Path, previous), recursive: true);
        }
    }

    // rename(2) of the link itself, replacing the old link atomically (mv -T does exactly that).
    private static void Rename(string from, string to)
    {
        using var move = Process.Start(new ProcessStartInfo("mv", ["-T", from, to]) { UseShellExecute = false })!;
        move.WaitForExit();
        Assert.True(move.ExitCode == 0, $"mv -T {from} {to} failed");
    }
}
