using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;

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
    private LoopbackApp _app = null!;

    private CgiBackend()
    {
    }

    public Uri Address => _app.Address;

    public ConcurrentQueue<CgiRequest> Received { get; } = new();

    public static async Task<CgiBackend> StartAsync()
    {
        var backend = new CgiBackend();
        backend._app = await LoopbackApp.StartAsync("cgi-backend", backend.RecordAsync);
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

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private async Task RecordAsync(HttpContext context)
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

        Received.Enqueue(new CgiRequest(context.Request.Path.Value ?? "", names, environ));
        context.Response.ContentType = "text/plain";
        await context.Response.WriteAsync("cgi");
    }
}

/// <summary>A request as a CGI-style application sees it: its path, the header names as sent, and its variables.</summary>
public sealed record CgiRequest(string Path, IReadOnlyList<string> HeaderNames, IReadOnlyDictionary<string, string> Environ)
{
    /// <summary>The variables whose name starts with <paramref name="prefix"/>.</summary>
    public IReadOnlyDictionary<string, string> VariablesStartingWith(string prefix) =>
        Environ.Where(v => v.Key.StartsWith(prefix, StringComparison.Ordinal)).ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal);
}
