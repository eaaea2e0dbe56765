using LatchGateway.Access;
using LatchGateway.Burn;
using LatchGateway.Configuration;
using LatchGateway.Notifications;
using LatchGateway.Paths;
using LatchGateway.Sessions;
using LatchGateway.Transforms;
using Yarp.ReverseProxy.Configuration;

namespace LatchGateway.Diagnostics;

/// <summary>
/// Puts every <c>latch_*</c> counter on <c>/metrics</c> at 0 from start-up, for each label set the configuration
/// makes known: per latched route and outcome, per route for codes issued and revoked, per Session route and end
/// reason, per access-policy route and state, per notification channel and outcome, per path-rejection reason, and
/// the unlabelled counters. So a panel shows 0 rather than "No data", and <c>increase()</c> sees a restarted
/// replica's first event. Adding 0 changes no value: it is repeated on every configuration change (YARP's routes,
/// access policies, notification channels, session settings), so new routes appear at 0 too. Label sets of routes
/// that were removed stay (at their last value) until the process restarts, like any series already exported.
/// </summary>
internal sealed class LatchMetricsBaseline(
    LatchMetrics metrics,
    LiveOptions<LatchAccessOptions> access,
    LiveOptions<LatchNotificationOptions> notifications,
    LiveOptions<LatchSessionOptions> sessions,
    IServiceProvider services) : IConfigChangeListener, IHostedService
{
    private static readonly string[] SessionEndReasons = ["expired", "idle", "revoked"];
    private static readonly string[] AccessStates = ["pending", "granted", "break_glass", "denied", "cancelled", "expired", "issued"];
    private static readonly string[] NotificationOutcomes = ["sent", "retried", "failed"];

    private IReadOnlyList<RouteConfig> _routes = [];

    public Task StartAsync(CancellationToken cancellationToken)
    {
        access.Changed += _ => Publish();
        notifications.Changed += _ => Publish();
        sessions.Changed += _ => Publish();
        Publish();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void ConfigurationApplied(IReadOnlyList<IProxyConfig> proxyConfigs)
    {
        ArgumentNullException.ThrowIfNull(proxyConfigs);
        Volatile.Write(ref _routes, [.. proxyConfigs.SelectMany(config => config.Routes)]);
        Publish();
    }

    public void ConfigurationLoaded(IReadOnlyList<IProxyConfig> proxyConfigs)
    {
    }

    public void ConfigurationLoadingFailed(IProxyConfigProvider configProvider, Exception exception)
    {
    }

    public void ConfigurationApplyingFailed(IReadOnlyList<IProxyConfig> proxyConfigs, Exception exception)
    {
    }

    private void Publish()
    {
        // A measurement made before the exporter listens is lost: have OpenTelemetry's meter provider built first
        // (YARP applies its routes, and hosted services start, in an order of their own).
        _ = services.GetService<OpenTelemetry.Metrics.MeterProvider>();
        metrics.LockedOut(0);
        metrics.AuditDropped(0);
        foreach (var reason in Enum.GetValues<PathRejection>().Where(r => r != PathRejection.None))
        {
            metrics.PathRejected(reason, 0);
        }

        var policies = access.Current.Policies;
        foreach (var route in Volatile.Read(ref _routes))
        {
            if (!LatchTransformFactory.IsLatched(route.Transforms))
            {
                continue;
            }

            foreach (var outcome in Enum.GetValues<LatchOutcome>())
            {
                metrics.Validated(route.RouteId, outcome, 0);
            }

            metrics.Issued(route.RouteId, 0);
            metrics.Revoked(route.RouteId, 0);
            if (LatchTransformFactory.SessionOf(route.RouteId, route.Transforms, sessions.Current) is not null)
            {
                metrics.SessionOpened(route.RouteId, 0);
                foreach (var reason in SessionEndReasons)
                {
                    metrics.SessionEnded(route.RouteId, reason, 0);
                }
            }

            if (policies.ContainsKey(route.RouteId))
            {
                foreach (var state in AccessStates)
                {
                    metrics.AccessTransition(route.RouteId, state, 0);
                }
            }
        }

        foreach (var channel in notifications.Current.Channels.Keys)
        {
            foreach (var outcome in NotificationOutcomes)
            {
                metrics.Notification(channel, outcome, 0);
            }
        }
    }
}
