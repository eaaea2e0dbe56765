using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace LatchGateway.Tests.Infrastructure;

/// <summary>
/// A slim ASP.NET Core app on a free loopback port that answers every request with one handler: what the test
/// backends and receivers run on. Its content root is an empty temporary folder, so the gateway's appsettings.json
/// beside the tests does not configure it; the folder goes with the app.
/// </summary>
public sealed class LoopbackApp : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _contentRoot;

    private LoopbackApp(WebApplication app, Uri address, string contentRoot)
    {
        _app = app;
        Address = address;
        _contentRoot = contentRoot;
    }

    public Uri Address { get; }

    /// <summary>Starts an app answering with <paramref name="handler"/>; <paramref name="name"/> names its temporary folder.</summary>
    public static async Task<LoopbackApp> StartAsync(string name, RequestDelegate handler)
    {
        var port = FreePort.Next();
        var contentRoot = Directory.CreateTempSubdirectory($"latch-{name}-").FullName;
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            EnvironmentName = "Testing",
            ContentRootPath = contentRoot,
        });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        app.Run(handler);
        await app.StartAsync();
        return new LoopbackApp(app, new Uri($"http://127.0.0.1:{port}/"), contentRoot);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Directory.Delete(_contentRoot, recursive: true);
    }
}
