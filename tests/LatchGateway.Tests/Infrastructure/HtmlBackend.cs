using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Http;

namespace LatchGateway.Tests.Infrastructure;

/// <summary>
/// A backend of small HTML pages that link to each other, on a loopback port, for the browser tests of Session
/// routes: every path answers a page titled after the path, naming the <c>X-Latch-Id</c> it received and linking
/// to <c>/console/</c> and <c>/console/reports</c>. It records each request's path, query, <c>Cookie</c> and
/// <c>X-Latch-Id</c>, so a test can check what a backend behind the gateway saw.
/// </summary>
public sealed class HtmlBackend : IAsyncDisposable
{
    private readonly ConcurrentQueue<Received> _received = new();
    private LoopbackApp _app = null!;

    private HtmlBackend()
    {
    }

    public Uri Address => _app.Address;

    /// <summary>The requests received so far, oldest first.</summary>
    public IReadOnlyCollection<Received> Requests => _received;

    public static async Task<HtmlBackend> StartAsync()
    {
        var backend = new HtmlBackend();
        backend._app = await LoopbackApp.StartAsync("html-backend", backend.ServeAsync);
        return backend;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private Task ServeAsync(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path.Value ?? "/";
        var latchId = request.Headers["X-Latch-Id"].ToString();
        _received.Enqueue(new Received(path, request.QueryString.Value ?? "", request.Headers.Cookie.ToString(), latchId));
        context.Response.ContentType = "text/html; charset=utf-8";
        var page = WebUtility.HtmlEncode(path);
        return context.Response.WriteAsync($"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Backend {page}</title></head>
            <body><h1>Backend page {page}</h1>
            <p>Latch id: <span id="latch-id">{WebUtility.HtmlEncode(latchId)}</span></p>
            <nav><a href="/console/reports">Reports</a> | <a href="/console/">Home</a></nav>
            </body></html>
            """);
    }

    /// <summary>One request as the backend received it.</summary>
    public sealed record Received(string Path, string Query, string Cookie, string LatchId);
}
