using LatchGateway.Admin;
using LatchGateway.Development;
using LatchGateway.Diagnostics;
using LatchGateway.Identity;
using LatchGateway.Logging;
using LatchGateway.Notifications;
using LatchGateway.Paths;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace LatchGateway.Hosting;

/// <summary>Builds and wires the gateway host: Kestrel listeners, services, and endpoints per listener.</summary>
public static class GatewayHost
{
    /// <summary>
    /// The application property by which <c>UseAuthentication</c> tells <see cref="WebApplication"/> that
    /// authentication is placed (ASP.NET Core's <c>AuthAppBuilderExtensions</c>, read by <c>WebApplicationBuilder</c>).
    /// </summary>
    private const string AuthenticationPlacedKey = "__AuthenticationMiddlewareSet";

    /// <summary>Creates the builder with the gateway's Kestrel listeners and services.</summary>
    public static WebApplicationBuilder CreateBuilder(WebApplicationOptions options)
    {
        var builder = WebApplication.CreateBuilder(options);
        ConfigDirectory.AddTo(builder.Configuration, builder.Environment.ContentRootPath);
        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Configure(context.Configuration.GetSection("Kestrel"), reloadOnChange: false)
                .Endpoint(Listeners.Proxy, endpoint => Listeners.Tag(endpoint.ListenOptions, Listeners.Proxy))
                .Endpoint(Listeners.Admin, endpoint => Listeners.Tag(endpoint.ListenOptions, Listeners.Admin))
                .Endpoint(Listeners.DemoBackend, endpoint => Listeners.Tag(endpoint.ListenOptions, Listeners.DemoBackend));
        });

        // The parts of the host, each registered by its own entry: the latch engine (codes, lockout, store, audit,
        // YARP with the Latch transform), the admin API it serves, who presents a code (client address, JWT bearer
        // users), telemetry, and logs that mask codes.
        builder.Services.AddLatchGateway(builder.Configuration);
        builder.Services.AddLatchAdmin(builder.Configuration);
        builder.Services.AddLatchIdentity(builder.Configuration);
        builder.Services.AddLatchTelemetry(builder.Configuration);
        builder.Services.AddLatchNotifications(builder.Configuration);
        if (builder.Environment.IsDevelopment())
        {
            builder.Services.AddLatchDevelopmentAdminKey();
            builder.Services.AddLatchDevelopmentPeople();
        }

        builder.Logging.AddLatchCodeRedaction();
        return builder;
    }

    /// <summary>Builds the application and maps every endpoint onto its listener.</summary>
    public static WebApplication Build(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        // Every bad setting is reported at once, each naming its key, before anything is mapped or started.
        var failures = new List<string>(StartupCheck.Listeners(builder.Configuration));
        var app = builder.Build();
        failures.AddRange(StartupCheck.Settings(app.Services));
        if (failures.Count > 0)
        {
            ((IDisposable)app).Dispose();
            throw new GatewaySettingsException(failures);
        }

        // Ambiguous paths are refused before routing, so no route is ever matched against one; routing is then
        // placed explicitly (it would otherwise come first) and everything else keeps its place after it.
        app.UseMiddleware<AmbiguousPathGuard>();
        app.UseRouting();

        // Everything the admin listener refuses is problem+json; the proxy listener's answers stay as they were.
        app.UseWhen(
            static context => string.Equals(Listeners.Of(context), Listeners.Admin, StringComparison.Ordinal),
            static admin => admin.UseLatchAdminProblems(
                static endpoint => endpoint.Metadata.GetMetadata<ListenerMetadata>()?.Listener == Listeners.Admin));
        app.UseMiddleware<IdentityHeaderFilter>();

        // With no proxy listed, ASP.NET Core's forwarded-headers handling would believe every sender: run it only
        // for configured proxies. Without them the client is the socket's peer, loopback included.
        if (!app.Services.GetRequiredService<TrustedProxies>().IsEmpty)
        {
            app.UseForwardedHeaders();
        }

        // Only a request with credentials can authenticate a user (JWT bearer); the admin API authenticates its
        // X-Api-Key through its authorization policies. Skipping the rest keeps the proxy path free of that work.
        // WebApplication puts UseAuthentication at the front of the pipeline itself unless the application says it
        // placed it; a UseWhen branch writes that into its own copy of the properties, so it is said here as well.
        app.UseWhen(static context => context.Request.Headers.Authorization.Count > 0, static branch => branch.UseAuthentication());
        ((IApplicationBuilder)app).Properties[AuthenticationPlacedKey] = true;
        app.UseAuthorization();

        var admin = new ListenerMetadata(Listeners.Admin);
        app.MapLatchAdmin().WithMetadata(admin);
        app.MapLatchAccess().WithMetadata(admin);
        app.MapLatchAdminOpenApi().WithMetadata(admin);
        app.MapPrometheusScrapingEndpoint("/metrics").WithMetadata(admin);
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = static _ => false }).WithMetadata(admin);
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = static check => check.Tags.Contains("ready") }).WithMetadata(admin);
        app.MapReverseProxy().WithMetadata(new ListenerMetadata(Listeners.Proxy));

        if (app.Environment.IsDevelopment())
        {
            Log.DevelopmentDemoEnabled(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("LatchGateway.Development"));
            app.MapEchoBackend().WithMetadata(new ListenerMetadata(Listeners.DemoBackend));
            var key = app.Services.GetRequiredService<DevelopmentAdminKey>();
            var people = app.Services.GetRequiredService<DevelopmentPeople>();
            app.Lifetime.ApplicationStarted.Register(() =>
            {
                key.Print(Console.Out);
                people.Print(Console.Out);
            });
        }

        return app;
    }
}
