using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LatchGateway.Notifications.Channels;

/// <summary>
/// Registers the four channels (each an <see cref="INotificationChannel"/>) and the HTTP client the Webhook, Slack
/// and Teams channels share: no redirects, no cookies, no HttpClient logging (it would print the URLs, which for
/// Slack and Teams are secrets), and the <see cref="NotificationHttp"/> resilience pipeline.
/// </summary>
public static class NotificationChannelsServiceCollectionExtensions
{
    public static IServiceCollection AddLatchNotificationChannels(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(static d => d.ServiceType == typeof(NotificationPoster)))
        {
            return services;
        }

        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpClient(NotificationHttp.ClientName, static client =>
            {
                // The resilience pipeline times each attempt out; HttpClient's own 100 s limit would only get in its way.
                client.Timeout = Timeout.InfiniteTimeSpan;
                client.DefaultRequestHeaders.UserAgent.ParseAdd("LatchGateway-Notifications");
            })
            .ConfigurePrimaryHttpMessageHandler(static () => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseCookies = false,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            })
            .RemoveAllLoggers()
            .AddResilienceHandler("Notifications", NotificationHttp.ConfigurePipeline);
        services.TryAddSingleton<NotificationPoster>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<INotificationChannel, WebhookChannel>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<INotificationChannel, SlackChannel>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<INotificationChannel, TeamsChannel>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<INotificationChannel, SmtpChannel>());
        return services;
    }
}
