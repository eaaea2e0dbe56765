using System.Collections.Concurrent;
using LatchGateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace LatchGateway.Tests.Notifications;

/// <summary>
/// A real HTTP receiver on loopback that records every request (method, path, headers, raw body) and answers each
/// with the next scripted answer, the last one repeating (200 when none is scripted).
/// </summary>
internal sealed class ChannelReceiver : IAsyncDisposable
{
    private readonly LoopbackApp _app;
    private readonly Func<HttpContext, int, Task> _answer;

    private ChannelReceiver(LoopbackApp app, Func<HttpContext, int, Task> answer)
    {
        _app = app;
        _answer = answer;
    }

    public sealed record Received(string Method, string PathAndQuery, IReadOnlyDictionary<string, string> Headers, byte[] Body)
    {
        public string Text => System.Text.Encoding.UTF8.GetString(Body);
    }

    public ConcurrentQueue<Received> Requests { get; } = new();

    /// <summary>The receiver's address with <paramref name="pathAndQuery"/>.</summary>
    public Uri Url(string pathAndQuery = "/hook") => new(_app.Address, pathAndQuery);

    /// <summary>Answers request number <c>n</c> (0-based) with <paramref name="answer"/>.</summary>
    public static async Task<ChannelReceiver> StartAsync(Func<HttpContext, int, Task>? answer = null)
    {
        ChannelReceiver? receiver = null;
        var app = await LoopbackApp.StartAsync("channel-receiver", context => receiver!.HandleAsync(context));
        receiver = new ChannelReceiver(app, answer ?? ((_, _) => Task.CompletedTask));
        return receiver;
    }

    /// <summary>Answers every request with <paramref name="status"/> and the given headers.</summary>
    public static Task<ChannelReceiver> AnsweringAsync(int status, params (string Name, string Value)[] headers) =>
        StartAsync((context, _) =>
        {
            context.Response.StatusCode = status;
            foreach (var (name, value) in headers)
            {
                context.Response.Headers[name] = value;
            }

            return Task.CompletedTask;
        });

    private async Task HandleAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
        var number = Requests.Count;
        Requests.Enqueue(new Received(context.Request.Method, context.Request.Path + context.Request.QueryString, headers, body.ToArray()));
        await _answer(context, number);
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
