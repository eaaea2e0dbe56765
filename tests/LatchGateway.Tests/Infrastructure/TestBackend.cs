using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;

namespace LatchGateway.Tests.Infrastructure;

/// <summary>A real HTTP backend on a loopback port that records every request it receives.</summary>
public sealed class TestBackend : IAsyncDisposable
{
    private LoopbackApp _app = null!;

    private TestBackend()
    {
    }

    public Uri Address => _app.Address;

    public ConcurrentQueue<ReceivedRequest> Received { get; } = new();

    public static async Task<TestBackend> StartAsync()
    {
        var backend = new TestBackend();
        backend._app = await LoopbackApp.StartAsync("backend", backend.RecordAsync);
        return backend;
    }

    /// <summary>Requests received whose path starts with <paramref name="prefix"/>.</summary>
    public IReadOnlyList<ReceivedRequest> ReceivedUnder(string prefix) =>
        Received.Where(r => r.Path.StartsWith(prefix, StringComparison.Ordinal)).ToList();

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private async Task RecordAsync(HttpContext context)
    {
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        Received.Enqueue(new ReceivedRequest(context.Request.Method, context.Request.Path.Value ?? "", context.Request.QueryString.Value ?? "", headers));
        context.Response.ContentType = "text/plain";
        await context.Response.WriteAsync($"backend:{context.Request.Path}");
    }
}

public sealed record ReceivedRequest(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers);
