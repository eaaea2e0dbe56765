using Xunit.Abstractions;

namespace LatchGateway.Tests.Infrastructure;

/// <summary>Starts a gateway that must refuse to start, and reads why.</summary>
internal static class StartupFailure
{
    /// <summary>Every message of the start-up exception and its inner exceptions, one per line.</summary>
    public static async Task<string> MessagesAsync(IReadOnlyDictionary<string, string?> settings, ITestOutputHelper output)
    {
        await using var backend = await TestBackend.StartAsync();
        GatewayInstance? started = null;
        var exception = await Record.ExceptionAsync(async () => started = await GatewayInstance.StartAsync(backend, settings));
        if (started is not null)
        {
            await started.DisposeAsync();
        }

        Assert.True(exception is not null, "the gateway started with " + string.Join(", ", settings.Select(s => $"{s.Key}={s.Value}")));
        var messages = string.Join("\n", Flatten(exception));
        output.WriteLine(messages);
        return messages;
    }

    private static IEnumerable<string> Flatten(Exception exception)
    {
        yield return $"{exception.GetType().Name}: {exception.Message}";
        var inner = exception is AggregateException aggregate ? aggregate.InnerExceptions : (IEnumerable<Exception>)(exception.InnerException is { } one ? [one] : []);
        foreach (var child in inner)
        {
            foreach (var message in Flatten(child))
            {
                yield return message;
            }
        }
    }
}
