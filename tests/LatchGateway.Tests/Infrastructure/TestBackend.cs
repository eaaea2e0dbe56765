using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace LatchGateway.Tests.Infrastructure;

/// <summary>A real HTTP backend on a loopback port that records every request it receives.</summary>
public sealed class TestBackend : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestBackend(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    public ConcurrentQueue<ReceivedRequest> Received { get; } = new();

    public static async Task<TestBackend> StartAsync()
    {
        var port = FreePort.Next();
        // An empty content root: the gateway's appsettings.json beside the tests must not configure the backend.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            EnvironmentName = "Testing",
            ContentRootPath = Directory.CreateTempSubdirectory("latch-backend-").FullName,
        });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var backend = new TestBackend(app, new Uri($"http://127.0.0.1:{port}/"));
        app.Run(async context =>
        {
            var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            backend.Received.Enqueue(new ReceivedRequest(
                context.Request.Method, context.Request.Path.Value ?? "", context.Request.QueryString.Value ?? "", headers));
            context.Response.ContentType = "text/plain";
            await context.Response.WriteAsync($"backend:{context.Request.Path}");
        });
        await app.StartAsync();
        return backend;
    }

    /// <summary>Requests received whose path starts with <paramref name="prefix"/>.</summary>
    public IReadOnlyList<ReceivedRequest> ReceivedUnder(string prefix) =>
        Received.Where(r => r.Path.StartsWith(prefix, StringComparison.Ordinal)).ToList();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

public sealed record ReceivedRequest(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers);
