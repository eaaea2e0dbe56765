using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace LatchGateway.Tests.Infrastructure;

/// <summary>
/// A real HTTP backend on a loopback port that reads request headers the way CGI, WSGI (PEP 3333), Rack and PHP
/// servers hand them to an application, and records that view: each header becomes the variable
/// <c>HTTP_</c> + its name upper-cased with <c>-</c> turned into <c>_</c> (<c>CONTENT_TYPE</c> and
/// <c>CONTENT_LENGTH</c> without the prefix), and headers that land on one variable are joined with <c>,</c>.
/// So <c>X_Latch_Id: forged</c> and <c>X-Latch-Id: 42</c> both become <c>HTTP_X_LATCH_ID</c>.
/// </summary>
public sealed class CgiBackend : IAsyncDisposable
{
    private readonly WebApplication _app;

    private CgiBackend(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    public ConcurrentQueue<CgiRequest> Received { get; } = new();

    public static async Task<CgiBackend> StartAsync()
    {
        var port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            EnvironmentName = "Testing",
            ContentRootPath = Directory.CreateTempSubdirectory("latch-cgi-backend-").FullName,
        });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var backend = new CgiBackend(app, new Uri($"http://127.0.0.1:{port}/"));
        app.Run(async context =>
        {
            var names = new List<string>();
            var environ = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (name, values) in context.Request.Headers)
            {
                names.Add(name);
                var variable = Variable(name);
                var value = values.ToString();
                environ[variable] = environ.TryGetValue(variable, out var earlier) ? $"{earlier},{value}" : value;
            }

            backend.Received.Enqueue(new CgiRequest(context.Request.Path.Value ?? "", names, environ));
            context.Response.ContentType = "text/plain";
            await context.Response.WriteAsync("cgi");
        });
        await app.StartAsync();
        return backend;
    }

    /// <summary>The environment variable a CGI-style server stores header <paramref name="name"/> under.</summary>
    public static string Variable(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var folded = name.ToUpperInvariant().Replace('-', '_');
        return folded is "CONTENT_TYPE" or "CONTENT_LENGTH" ? folded : "HTTP_" + folded;
    }

    /// <summary>The one request received on <paramref name="path"/>.</summary>
    public CgiRequest ReceivedOn(string path) => Assert.Single(Received, r => r.Path == path);

    public bool Reached(string path) => Received.Any(r => r.Path == path);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>A request as a CGI-style application sees it: its path, the header names as sent, and its variables.</summary>
public sealed record CgiRequest(string Path, IReadOnlyList<string> HeaderNames, IReadOnlyDictionary<string, string> Environ)
{
    /// <summary>The variables whose name starts with <paramref name="prefix"/>.</summary>
    public IReadOnlyDictionary<string, string> VariablesStartingWith(string prefix) =>
        Environ.Where(v => v.Key.StartsWith(prefix, StringComparison.Ordinal)).ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal);
}
