using Microsoft.Extensions.Configuration.CommandLine;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;

namespace LatchGateway.Hosting;

/// <summary>
/// <c>Latch:ConfigDirectory</c> (default <c>config</c> under the content root): every <c>*.json</c> file in it is
/// a settings file, read in ordinal name order after <c>appsettings.{Environment}.json</c> and before environment
/// variables and the command line, and reloaded when it changes.
/// </summary>
/// <remarks>
/// The files are watched by polling their last-write time, following symbolic links to the final file. A mounted
/// Kubernetes ConfigMap is a set of links (<c>routes.json -&gt; ..data/routes.json</c>, <c>..data -&gt;
/// ..2026_11_30_05_00_00.123</c>) and an update swaps <c>..data</c> to a new directory: no event names the file
/// itself, so a file-system watcher would miss it, while the link's new final target has a new write time.
/// </remarks>
internal static class ConfigDirectory
{
    public const string Key = "Latch:ConfigDirectory";

    public const string Default = "config";

    public static void AddTo(ConfigurationManager configuration, string contentRoot)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var setting = configuration[Key];
        var directory = Path.GetFullPath(string.IsNullOrWhiteSpace(setting) ? Default : setting, contentRoot);
        if (!Directory.Exists(directory))
        {
            return;
        }

        var names = Directory.EnumerateFiles(directory, "*.json")
            .Select(static path => Path.GetFileName(path))
            .Where(static name => !name.StartsWith('.'))
            .Order(StringComparer.Ordinal)
            .ToList();
        if (names.Count == 0)
        {
            return;
        }

        // Polls every 4 s (the file provider's interval); the provider lives as long as the configuration.
        var files = new PhysicalFileProvider(directory) { UsePollingFileWatcher = true, UseActivePolling = true };
        var sources = configuration.Sources;
        var index = InsertionIndex(sources);
        foreach (var name in names)
        {
            sources.Insert(index++, new JsonConfigurationSource { FileProvider = files, Path = name, Optional = true, ReloadOnChange = true });
        }
    }

    /// <summary>Just before the unprefixed environment variables (or the command line): above every JSON file.</summary>
    private static int InsertionIndex(IList<IConfigurationSource> sources)
    {
        for (var i = sources.Count - 1; i >= 0; i--)
        {
            if (sources[i] is EnvironmentVariablesConfigurationSource { Prefix: null or "" })
            {
                return i;
            }
        }

        var commandLine = sources.OfType<CommandLineConfigurationSource>().LastOrDefault();
        return commandLine is null ? sources.Count : sources.IndexOf(commandLine);
    }
}
