using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace LatchGateway.Tests.Infrastructure;

/// <summary>A tiny real OTLP/HTTP receiver on a loopback port: records every POST (path, content type, size) and answers 200.</summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _contentRoot;

    private OtlpReceiver(WebApplication app, Uri address, string contentRoot)
    {
        _app = app;
        Address = address;
        _contentRoot = contentRoot;
    }

    public Uri Address { get; }

    public ConcurrentQueue<(string Path, string? ContentType, long Length)> Posts { get; } = new();

    public static async Task<OtlpReceiver> StartAsync()
    {
        var port = FreePort.Next();
        // An empty content root: the gateway's appsettings.json beside the tests must not configure the receiver.
        var contentRoot = Directory.CreateTempSubdirectory("latch-otlp-").FullName;
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            EnvironmentName = "Testing",
            ContentRootPath = contentRoot,
        });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var receiver = new OtlpReceiver(app, new Uri($"http://127.0.0.1:{port}/"), contentRoot);
        app.Run(async context =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body, context.RequestAborted);
            if (HttpMethods.IsPost(context.Request.Method))
            {
                receiver.Posts.Enqueue((context.Request.Path.Value ?? "", context.Request.ContentType, body.Length));
            }

            // An empty Export*ServiceResponse: full success.
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = "application/x-protobuf";
        });
        await app.StartAsync();
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Directory.Delete(_contentRoot, recursive: true);
    }
}
