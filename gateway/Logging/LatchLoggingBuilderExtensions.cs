using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace LatchGateway.Logging;

/// <summary>Makes every logger of the application mask latch codes.</summary>
public static class LatchLoggingBuilderExtensions
{
    /// <summary>
    /// Replaces the logger factory with one whose loggers mask latch codes (see <see cref="RedactingLoggerFactory"/>),
    /// whatever category writes and whatever level is turned on. A replacement, not a <c>TryAdd</c>: the host has
    /// always registered a factory already, and a factory that does not mask must not stay.
    /// </summary>
    public static ILoggingBuilder AddLatchCodeRedaction(this ILoggingBuilder logging)
    {
        ArgumentNullException.ThrowIfNull(logging);
        logging.Services.Replace(ServiceDescriptor.Singleton<ILoggerFactory>(sp => new RedactingLoggerFactory(new LoggerFactory(
            sp.GetServices<ILoggerProvider>(),
            sp.GetRequiredService<IOptionsMonitor<LoggerFilterOptions>>(),
            sp.GetService<IOptions<LoggerFactoryOptions>>(),
            sp.GetService<IExternalScopeProvider>()))));
        return logging;
    }
}
