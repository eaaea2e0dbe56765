using LatchGateway.Configuration;
using Yarp.ReverseProxy.Configuration;

namespace LatchGateway.Hosting;

/// <summary>
/// Everything wrong with the settings, found in one pass before the gateway starts: the listeners, every
/// validated options section (<see cref="ISettingsCheck"/>), anything else registered to validate on start, and the
/// YARP routes and clusters with the <c>Latch</c> transform's own checks. Each failure names its key.
/// </summary>
internal static class StartupCheck
{
    /// <summary>The Proxy and Admin endpoints are required; every endpoint's URL must be one Kestrel can bind.</summary>
    public static IReadOnlyList<string> Listeners(IConfiguration configuration)
    {
        var failures = new List<string>();
        foreach (var (name, serves) in new[] { (Hosting.Listeners.Proxy, "proxy routes"), (Hosting.Listeners.Admin, "the admin API") })
        {
            if (string.IsNullOrWhiteSpace(configuration[$"Kestrel:Endpoints:{name}:Url"]))
            {
                failures.Add($"Kestrel:Endpoints:{name}:Url is required: the gateway serves {serves} only on that endpoint.");
            }
        }

        foreach (var endpoint in configuration.GetSection("Kestrel:Endpoints").GetChildren())
        {
            if (endpoint["Url"] is { Length: > 0 } url && ListenerUrl.Problem(url) is { } problem)
            {
                failures.Add($"Kestrel:Endpoints:{endpoint.Key}:Url ('{url}') {problem}");
            }
        }

        return failures;
    }

    /// <summary>Every settings failure the built services can find, without starting anything.</summary>
    public static IReadOnlyList<string> Settings(IServiceProvider services)
    {
        var failures = new List<string>();
        foreach (var check in services.GetServices<ISettingsCheck>())
        {
            failures.AddRange(check.Failures(services));
        }

        // Sections registered with ValidateOnStart elsewhere are checked by the host's own start-up validator.
        try
        {
            services.GetService<Microsoft.Extensions.Options.IStartupValidator>()?.Validate();
        }
        catch (Microsoft.Extensions.Options.OptionsValidationException exception)
        {
            failures.AddRange(exception.Failures);
        }
        catch (AggregateException exception)
        {
            failures.AddRange(exception.InnerExceptions.SelectMany(static e =>
                e is Microsoft.Extensions.Options.OptionsValidationException options ? options.Failures : [e.Message]));
        }
        catch (InvalidOperationException exception)
        {
            // A value the configuration binder cannot convert, found already by the section's own check.
            failures.Add(exception.Message);
        }

        failures.AddRange(ReverseProxy(services));
        return failures.Distinct(StringComparer.Ordinal).ToList();
    }

    private static List<string> ReverseProxy(IServiceProvider services)
    {
        var failures = new List<string>();
        var validator = services.GetRequiredService<IConfigValidator>();
        foreach (var provider in services.GetServices<IProxyConfigProvider>())
        {
            IProxyConfig config;
            try
            {
                config = provider.GetConfig();
            }
            catch (Exception exception) when (exception is InvalidOperationException or FormatException or ArgumentException)
            {
                failures.Add($"ReverseProxy: {Messages(exception)}");
                continue;
            }

            // YARP's validators complete synchronously; the host is being built, so there is nothing to yield to.
            foreach (var route in config.Routes)
            {
                foreach (var error in validator.ValidateRouteAsync(route).AsTask().GetAwaiter().GetResult())
                {
                    failures.Add($"ReverseProxy:Routes:{route.RouteId}: {error.Message}");
                }
            }

            foreach (var cluster in config.Clusters)
            {
                foreach (var error in validator.ValidateClusterAsync(cluster).AsTask().GetAwaiter().GetResult())
                {
                    failures.Add($"ReverseProxy:Clusters:{cluster.ClusterId}: {error.Message}");
                }
            }
        }

        return failures;
    }

    private static string Messages(Exception exception) =>
        exception.InnerException is { } inner ? $"{exception.Message} {Messages(inner)}" : exception.Message;
}
