using LatchGateway.Admin;
using LatchGateway.Admin.Audit;
using LatchGateway.Admin.Authentication;
using LatchGateway.Configuration;
using LatchGateway.Audit;
using LatchGateway.Codes;
using LatchGateway.Contracts;
using LatchGateway.Diagnostics;
using LatchGateway.Identity;
using LatchGateway.Lockout;
using LatchGateway.Logging;
using LatchGateway.Routing;
using LatchGateway.Store;
using LatchGateway.Store.Redis;
using LatchGateway.Transforms;
using LatchGateway.Burn;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Routing.Matching;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace LatchGateway.Hosting;

/// <summary>Registers the latch engine, its store and audit trail, YARP with the <c>Latch</c> transform, telemetry and the admin API.</summary>
public static class LatchGatewayServiceCollectionExtensions
{
    /// <summary>The standard OpenTelemetry setting that turns on OTLP export of traces, metrics and logs.</summary>
    public const string OtlpEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public static IServiceCollection AddLatchGateway(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);

        services.TryAddSingleton(TimeProvider.System);
        AddOptions<LatchCodeOptions, LatchCodeOptionsValidator>(services, configuration, LatchCodeOptions.SectionName);
        AddOptions<LatchStoreOptions, LatchStoreOptionsValidator>(services, configuration, LatchStoreOptions.SectionName);
        AddOptions<LatchAuditOptions, LatchAuditOptionsValidator>(services, configuration, LatchAuditOptions.SectionName);
        AddOptions<LatchIdentityOptions, LatchIdentityOptionsValidator>(services, configuration, LatchIdentityOptions.SectionName);
        AddOptions<LatchLockoutOptions, LatchLockoutOptionsValidator>(services, configuration, LatchLockoutOptions.SectionName);
        AddOptions<LatchForwardedHeadersOptions, LatchForwardedHeadersOptionsValidator>(services, configuration, LatchForwardedHeadersOptions.SectionName);
        services.TryAddSingleton(typeof(LiveOptions<>));

        services.TryAddSingleton<CodeHasher>();
        services.TryAddSingleton<LatchMetrics>();
        services.TryAddSingleton<ClientIdentity>();
        services.TryAddSingleton<TrustedProxies>();
        services.TryAddSingleton<LatchRequestScrubber>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<ForwardedHeadersOptions>, TrustedProxies>(sp => sp.GetRequiredService<TrustedProxies>()));
        services.TryAddSingleton<LockoutGuard>();
        services.TryAddSingleton<IApiKeyAttemptLimiter>(sp => sp.GetRequiredService<LockoutGuard>());
        services.TryAddSingleton<CodeBurner>();
        services.TryAddSingleton<ILatchCodeService, LatchCodeService>();
        services.TryAddSingleton<ILatchRouteCatalog, YarpRouteCatalog>();
        services.TryAddSingleton<AuditTrail>();
        services.TryAddSingleton<ILatchAuditTrail>(sp => sp.GetRequiredService<AuditTrail>());
        services.AddHostedService<AuditWriter>();
        AddStore(services, configuration);

        services.AddReverseProxy()
            .LoadFromConfig(configuration.GetSection("ReverseProxy"))
            .AddTransformFactory<LatchTransformFactory>()
            .AddTransforms<LatchScrubbingTransformProvider>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<MatcherPolicy, ListenerMatcherPolicy>());

        services.AddHealthChecks().AddCheck<StoreHealthCheck>("store", tags: ["ready"]);
        AddTelemetry(services, configuration);

        services.AddLatchAdmin(configuration);

        // Users on latched routes come from standard JWT bearer authentication (Authentication:Schemes:Bearer).
        // Claims keep their JWT names ("sub" stays "sub") so Latch:Identity:UserClaim names what tokens carry.
        services.AddAuthentication(options => options.DefaultAuthenticateScheme = JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer(options => options.MapInboundClaims = false);

        // Authentication pulls in data protection, which the gateway never uses: keep its keys in memory
        // instead of writing an unprotected key ring to disk at start-up.
        services.AddDataProtection().UseEphemeralDataProtectionProvider();
        AddRedactingLoggerFactory(services);
        return services;
    }

    /// <summary>
    /// Metrics for Prometheus; traces always (so every request has a W3C trace id for the audit trail, an
    /// incoming <c>traceparent</c> honoured), recorded and exported over OTLP only when an endpoint is set.
    /// </summary>
    private static void AddTelemetry(IServiceCollection services, IConfiguration configuration)
    {
        var otlp = !string.IsNullOrWhiteSpace(configuration[OtlpEndpointKey]);
        var telemetry = services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddMeter(LatchMetrics.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Net.Http", "System.Runtime")
                .AddPrometheusExporter())
            .WithTracing(tracing =>
            {
                // Listening to ASP.NET Core gives every request an activity, hence a W3C trace id for the audit trail.
                // The gateway's own activities cost an allocation per validation: created only when exported.
                tracing.AddSource("Microsoft.AspNetCore")
                    .SetSampler(otlp ? new ParentBasedSampler(new AlwaysOnSampler()) : new AlwaysOffSampler());
                if (otlp)
                {
                    tracing.AddSource(LatchTracing.SourceName, "System.Net.Http");
                }
            });
        if (otlp)
        {
            telemetry.UseOtlpExporter();
        }
    }

    private static void AddStore(IServiceCollection services, IConfiguration configuration)
    {
        var provider = configuration.GetSection(LatchStoreOptions.SectionName).Get<LatchStoreOptions>()?.Provider ?? LatchStoreProvider.Memory;
        if (provider == LatchStoreProvider.Redis)
        {
            services.TryAddSingleton<RedisConnection>();
            services.AddHostedService(sp => sp.GetRequiredService<RedisConnection>());
            services.TryAddSingleton<ILatchStore, RedisLatchStore>();
            services.TryAddSingleton<IAuditSink, RedisAuditSink>();
            services.TryAddSingleton<ILockoutStore, RedisLockoutStore>();
            return;
        }

        services.TryAddSingleton<InMemoryLatchStore>();
        services.TryAddSingleton<ILatchStore>(sp => sp.GetRequiredService<InMemoryLatchStore>());
        services.AddHostedService<InMemorySweeper<InMemoryLatchStore>>();
        services.TryAddSingleton<IAuditSink, FileAuditSink>();
        services.TryAddSingleton<InMemoryLockoutStore>();
        services.TryAddSingleton<ILockoutStore>(sp => sp.GetRequiredService<InMemoryLockoutStore>());
        services.AddHostedService<InMemorySweeper<InMemoryLockoutStore>>();
    }

    private static void AddOptions<TOptions, TValidator>(IServiceCollection services, IConfiguration configuration, string section)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        services.AddOptions<TOptions>().Bind(configuration.GetSection(section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, TValidator>());
    }

    /// <summary>Every logger the application creates masks latch codes (see <see cref="RedactingLoggerFactory"/>).</summary>
    private static void AddRedactingLoggerFactory(IServiceCollection services) =>
        services.Replace(ServiceDescriptor.Singleton<ILoggerFactory>(sp => new RedactingLoggerFactory(new LoggerFactory(
            sp.GetServices<ILoggerProvider>(),
            sp.GetRequiredService<IOptionsMonitor<LoggerFilterOptions>>(),
            sp.GetService<IOptions<LoggerFactoryOptions>>(),
            sp.GetService<IExternalScopeProvider>()))));
}
