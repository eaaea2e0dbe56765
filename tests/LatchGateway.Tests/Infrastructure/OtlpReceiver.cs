using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;

namespace LatchGateway.Tests.Infrastructure;

/// <summary>A tiny real OTLP/HTTP receiver on a loopback port: records every POST (path, content type, size) and answers 200.</summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private LoopbackApp _app = null!;

    private OtlpReceiver()
    {
    }

    public Uri Address => _app.Address;

    public ConcurrentQueue<(string Path, string? ContentType, long Length)> Posts { get; } = new();

    public static async Task<OtlpReceiver> StartAsync()
    {
        var receiver = new OtlpReceiver();
        receiver._app = await LoopbackApp.StartAsync("otlp", receiver.ReceiveAsync);
        return receiver;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private async Task ReceiveAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        if (HttpMethods.IsPost(context.Request.Method))
        {
            Posts.Enqueue((context.Request.Path.Value ?? "", context.Request.ContentType, body.Length));
        }

        // An empty Export*ServiceResponse: full success.
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/x-protobuf";
    }
}
