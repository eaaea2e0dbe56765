using LatchGateway.Configuration;
using LatchGateway.Contracts;
using LatchGateway.Notifications.Channels;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LatchGateway.Notifications;

/// <summary>
/// Registers notifications: the settings under <c>Latch:Notifications</c>, the publisher that stores messages in the
/// outbox, the dispatcher that sends it in the background through the channels, and what reports a message that
/// finally fails. The outbox itself is registered with the store. The latch engine (<c>AddLatchGateway</c>) publishes
/// events and so registers notifications itself; a second call changes nothing (binding the settings twice would
/// list every rule twice).
/// </summary>
public static class LatchNotificationsServiceCollectionExtensions
{
    public static IServiceCollection AddLatchNotifications(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (services.Any(static d => d.ServiceType == typeof(NotificationPublisher)))
        {
            return services;
        }

        services.AddValidatedOptions<LatchNotificationOptions, LatchNotificationOptionsValidator>(configuration, LatchNotificationOptions.SectionName);
        services.TryAddSingleton(typeof(LiveOptions<>));
        services.TryAddSingleton<NotificationSignal>();
        services.TryAddSingleton<NotificationFailures>();
        services.TryAddSingleton<NotificationPublisher>();
        services.AddLatchNotificationChannels();
        services.TryAddSingleton<NotificationDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<NotificationDispatcher>());
        services.TryAddSingleton<ILatchNotificationService, LatchNotificationService>();
        return services;
    }
}
