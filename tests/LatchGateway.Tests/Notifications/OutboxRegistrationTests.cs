using LatchGateway.Hosting;
using LatchGateway.Notifications;
using LatchGateway.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace LatchGateway.Tests.Notifications;

/// <summary>The outbox comes with the store: in memory by default, in Redis with the Redis store.</summary>
public sealed class OutboxRegistrationTests
{
    [Fact]
    public async Task The_memory_store_keeps_the_outbox_in_memory()
    {
        await using var services = Build([]);

        Assert.IsType<InMemoryNotificationOutbox>(services.GetRequiredService<INotificationOutbox>());
        Assert.NotNull(services.GetRequiredService<NotificationPublisher>());
    }

    [Fact]
    public async Task The_Redis_store_keeps_the_outbox_in_Redis()
    {
        // Resolving connects to nothing: the connection is made on start-up or first use.
        await using var services = Build(RedisSettings.For("127.0.0.1:1"));

        Assert.IsType<RedisNotificationOutbox>(services.GetRequiredService<INotificationOutbox>());
        Assert.NotNull(services.GetRequiredService<NotificationPublisher>());
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddMetrics();
        services.AddSingleton<Microsoft.Extensions.Hosting.IHostEnvironment>(
            new Microsoft.Extensions.Hosting.Internal.HostingEnvironment { ContentRootPath = Path.GetTempPath() });
        services.AddLatchGateway(configuration);
        services.AddLatchNotifications(configuration);
        return services.BuildServiceProvider();
    }
}
