using LatchGateway.Notifications;
using LatchGateway.Notifications.Channels;
using LatchGateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LatchGateway.Tests.Notifications;

/// <summary>
/// The channels as the host registers them (<c>AddLatchNotificationChannels</c>: the real HttpClientFactory, the
/// resilience pipeline, the SMTP client), with every log line kept for inspection.
/// </summary>
internal sealed class ChannelServices : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    public ChannelServices()
    {
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(Logs));
        services.AddLatchNotificationChannels();
        _services = services.BuildServiceProvider();
    }

    public CapturedLogs Logs { get; } = new();

    public INotificationChannel Channel(NotificationChannelType type) =>
        _services.GetServices<INotificationChannel>().Single(c => c.Type == type);

    public IHttpClientFactory HttpClients => _services.GetRequiredService<IHttpClientFactory>();

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
