using LatchGateway.Access;
using LatchGateway.Admin;
using LatchGateway.Admin.Audit;
using LatchGateway.Admin.Authentication;
using LatchGateway.Audit;
using LatchGateway.Burn;
using LatchGateway.Codes;
using LatchGateway.Configuration;
using LatchGateway.Contracts;
using LatchGateway.Diagnostics;
using LatchGateway.Lockout;
using LatchGateway.Notifications;
using LatchGateway.Routing;
using LatchGateway.Sessions;
using LatchGateway.Store;
using LatchGateway.Store.Redis;
using LatchGateway.Transforms;
using Microsoft.AspNetCore.Routing.Matching;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LatchGateway.Hosting;

/// <summary>
/// Registers the latch engine: codes, validation, lockout, the store and its readiness check, the audit trail, the
/// notifications its events raise, and YARP with the <c>Latch</c> transform on listener-bound routes. Implements the services the admin API consumes.
/// </summary>
public static class LatchGatewayServiceCollectionExtensions
{
    public static IServiceCollection AddLatchGateway(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);

        services.TryAddSingleton(TimeProvider.System);
        services.AddValidatedOptions<LatchCodeOptions, LatchCodeOptionsValidator>(configuration, LatchCodeOptions.SectionName);
        services.AddValidatedOptions<LatchStoreOptions, LatchStoreOptionsValidator>(configuration, LatchStoreOptions.SectionName);
        services.AddValidatedOptions<LatchAuditOptions, LatchAuditOptionsValidator>(configuration, LatchAuditOptions.SectionName);
        services.AddValidatedOptions<LatchLockoutOptions, LatchLockoutOptionsValidator>(configuration, LatchLockoutOptions.SectionName);
        services.AddValidatedOptions<LatchSessionOptions, LatchSessionOptionsValidator>(configuration, LatchSessionOptions.SectionName);
        services.AddValidatedOptions<LatchAccessOptions, LatchAccessOptionsValidator>(configuration, LatchAccessOptions.SectionName);
        services.TryAddSingleton(typeof(LiveOptions<>));

        services.TryAddSingleton<CodeHasher>();
        services.TryAddSingleton<LatchMetrics>();
        services.TryAddSingleton<LatchMetricsBaseline>();
        services.AddSingleton<Yarp.ReverseProxy.Configuration.IConfigChangeListener>(sp => sp.GetRequiredService<LatchMetricsBaseline>());
        services.AddHostedService(sp => sp.GetRequiredService<LatchMetricsBaseline>());
        services.TryAddSingleton<LatchRequestScrubber>();
        services.TryAddSingleton<LockoutGuard>();
        services.TryAddSingleton<IApiKeyAttemptLimiter>(sp => sp.GetRequiredService<LockoutGuard>());
        services.AddHostedService<LockoutEndings>();
        services.TryAddSingleton<CodeBurner>();
        services.TryAddSingleton(static sp =>
        {
            // The in-memory store's sweeps end sessions too: each is reported like one a request found ended.
            var gate = ActivatorUtilities.CreateInstance<SessionGate>(sp);
            if (sp.GetRequiredService<ISessionStore>() is InMemorySessionStore memory)
            {
                memory.Swept += (session, reason) => gate.Ended(session, reason, null, null);
            }

            return gate;
        });
        services.TryAddSingleton<LatchCodeService>();
        services.TryAddSingleton<ILatchCodeService>(sp => sp.GetRequiredService<LatchCodeService>());
        services.TryAddSingleton<AccessPeople>();
        services.TryAddSingleton<AccessTrail>();
        services.TryAddSingleton<ILatchAccessService, AccessRequestService>();
        services.AddHostedService<AccessRequestExpiry>();
        services.TryAddSingleton<LatchSessionService>();
        services.TryAddSingleton<ILatchSessionService>(sp => sp.GetRequiredService<LatchSessionService>());
        services.TryAddSingleton<ILatchRouteCatalog, YarpRouteCatalog>();
        services.TryAddSingleton<AuditTrail>();
        services.TryAddSingleton<ILatchAuditTrail>(sp => sp.GetRequiredService<AuditTrail>());
        services.AddHostedService<AuditWriter>();
        AddStore(services, configuration);

        // The access flow, the transform, the lockout and the sessions publish events.
        services.AddLatchNotifications(configuration);

        // Before AddReverseProxy, which registers YARP's own client factory only when none is.
        var tracesExported = !string.IsNullOrWhiteSpace(configuration[LatchTelemetryServiceCollectionExtensions.OtlpEndpointKey]);
        services.TryAddSingleton<Yarp.ReverseProxy.Forwarder.IForwarderHttpClientFactory>(sp => new ForwarderTracingHttpClientFactory(
            sp.GetRequiredService<ILogger<Yarp.ReverseProxy.Forwarder.ForwarderHttpClientFactory>>(), tracesExported));
        services.AddReverseProxy()
            .LoadFromConfig(configuration.GetSection("ReverseProxy"))
            .AddTransformFactory<LatchTransformFactory>()
            .AddTransforms<LatchScrubbingTransformProvider>();
        if (!tracesExported)
        {
            services.TryAddEnumerable(ServiceDescriptor.Singleton<Yarp.ReverseProxy.Transforms.Builder.ITransformProvider, TraceParentTransformProvider>());
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<MatcherPolicy, ListenerMatcherPolicy>());

        services.AddHealthChecks().AddCheck<StoreHealthCheck>("store", tags: ["ready"]);
        return services;
    }

    private static void AddStore(IServiceCollection services, IConfiguration configuration)
    {
        // Read leniently: a value the binder cannot convert is reported by the start-up check with every other one.
        var provider = configuration[$"{LatchStoreOptions.SectionName}:{nameof(LatchStoreOptions.Provider)}"];
        if (Enum.TryParse<LatchStoreProvider>(provider, ignoreCase: true, out var parsed) && parsed == LatchStoreProvider.Redis)
        {
            services.TryAddSingleton<RedisConnection>();
            services.AddHostedService(sp => sp.GetRequiredService<RedisConnection>());
            services.TryAddSingleton<ILatchStore, RedisLatchStore>();
            services.TryAddSingleton<IAuditSink, RedisAuditSink>();
            services.TryAddSingleton<ILockoutStore, RedisLockoutStore>();
            services.TryAddSingleton<ISessionStore, RedisSessionStore>();
            services.TryAddSingleton<IAccessRequestStore, RedisAccessRequestStore>();
            services.TryAddSingleton<OutboxCodeProtector>();
            services.TryAddSingleton<INotificationOutbox, RedisNotificationOutbox>();
            return;
        }

        services.TryAddSingleton<InMemoryLatchStore>();
        services.TryAddSingleton<ILatchStore>(sp => sp.GetRequiredService<InMemoryLatchStore>());
        services.AddHostedService<InMemorySweeper<InMemoryLatchStore>>();
        services.TryAddSingleton<IAuditSink, FileAuditSink>();
        services.TryAddSingleton<InMemoryLockoutStore>();
        services.TryAddSingleton<ILockoutStore>(sp => sp.GetRequiredService<InMemoryLockoutStore>());
        services.AddHostedService<InMemorySweeper<InMemoryLockoutStore>>();
        services.TryAddSingleton<InMemorySessionStore>();
        services.TryAddSingleton<ISessionStore>(sp => sp.GetRequiredService<InMemorySessionStore>());
        services.AddHostedService<InMemorySweeper<InMemorySessionStore>>();
        services.TryAddSingleton<IAccessRequestStore, InMemoryAccessRequestStore>();
        services.TryAddSingleton<INotificationOutbox, InMemoryNotificationOutbox>();
    }
}
