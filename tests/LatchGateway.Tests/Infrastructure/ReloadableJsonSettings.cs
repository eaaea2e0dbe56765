using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.CommandLine;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;

namespace LatchGateway.Tests.Infrastructure;

/// <summary>
/// A JSON settings file the gateway watches (<c>reloadOnChange</c>), the way an operator edits
/// <c>appsettings.json</c> of a running gateway. It is placed just below the command line (above
/// <c>appsettings.json</c> and environment variables), so the keys it holds
/// must not also be among <see cref="GatewayInstance"/>'s command-line settings. Writes are atomic (write, then
/// rename), so the gateway never reads half a file.
/// </summary>
public sealed class ReloadableJsonSettings : IDisposable
{
    private const string FileName = "latch-reload.json";

    private readonly string _directory = Directory.CreateTempSubdirectory("latch-reload-").FullName;
    private readonly PhysicalFileProvider _files;
    private int _writes;

    public ReloadableJsonSettings(JsonObject initial)
    {
        Write(initial);
        _files = new PhysicalFileProvider(_directory);
    }

    public string Path => System.IO.Path.Combine(_directory, FileName);

    /// <summary>Adds the file to <paramref name="builder"/>'s configuration, below the command line.</summary>
    public void AddTo(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var source = new JsonConfigurationSource
        {
            FileProvider = _files,
            Path = FileName,
            Optional = false,
            ReloadOnChange = true,
            ReloadDelay = 50,
        };
        // The last command line: the first one belongs to the host settings, which appsettings.json follows.
        var sources = builder.Configuration.Sources;
        var commandLine = sources.OfType<CommandLineConfigurationSource>().Last();
        sources.Insert(sources.IndexOf(commandLine), source);
    }

    /// <summary>Replaces the file's content.</summary>
    public void Write(JsonObject settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var temporary = System.IO.Path.Combine(_directory, $"next-{Interlocked.Increment(ref _writes)}.tmp");
        File.WriteAllText(temporary, settings.ToJsonString());
        File.Move(temporary, Path, overwrite: true);
    }

    public void Dispose()
    {
        _files.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
