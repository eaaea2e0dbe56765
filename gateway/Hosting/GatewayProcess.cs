using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace LatchGateway.Hosting;

/// <summary>
/// The gateway as a process: builds, starts and runs the host. When it cannot start it prints why on stderr and exits
/// with <see cref="CannotStart"/>: every invalid setting, each naming its key, without a stack trace; a failure that
/// is not about settings or the machine (a bug) is printed whole, stack trace included.
/// </summary>
internal static class GatewayProcess
{
    /// <summary>The exit code when the gateway does not start.</summary>
    public const int CannotStart = 1;

    public static async Task<int> RunAsync(string[] args, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(error);
        WebApplication app;
        try
        {
            app = GatewayHost.Build(GatewayHost.CreateBuilder(new WebApplicationOptions { Args = args }));
        }
        catch (Exception exception)
        {
            await error.WriteLineAsync(Describe(exception)).ConfigureAwait(false);
            return CannotStart;
        }

        await using (app.ConfigureAwait(false))
        {
            try
            {
                await app.StartAsync().ConfigureAwait(false);
            }
            catch (Exception exception)
            {
                await error.WriteLineAsync(Describe(exception) + EndpointOf(exception, app.Configuration)).ConfigureAwait(false);
                return CannotStart;
            }

            await app.WaitForShutdownAsync().ConfigureAwait(false);
        }

        return 0;
    }

    /// <summary>What stderr says when the gateway cannot start.</summary>
    internal static string Describe(Exception exception) => exception switch
    {
        GatewaySettingsException settings => settings.Message,
        OptionsValidationException options => new GatewaySettingsException([.. options.Failures]).Message,

        // A setting the host reads itself (a malformed JSON file, a port in use, a certificate it cannot load): the
        // messages say which, and a stack trace would only bury them.
        IOException or InvalidDataException or FormatException or UnauthorizedAccessException or CryptographicException
            or System.Net.Sockets.SocketException => "LatchGateway cannot start: " + Messages(exception),

        // Kestrel refusing its endpoint settings (an https URL without a certificate, …).
        _ when exception.TargetSite?.DeclaringType?.Namespace?.StartsWith("Microsoft.AspNetCore.Server.Kestrel", StringComparison.Ordinal) == true
            => "LatchGateway cannot start: " + Messages(exception),
        _ => "LatchGateway cannot start: unexpected error.\n" + exception,
    };

    /// <summary>For a listener that could not be bound (a port in use, an address not on this machine): which setting it was.</summary>
    internal static string EndpointOf(Exception exception, IConfiguration configuration)
    {
        if (exception is not IOException)
        {
            return string.Empty;
        }

        var message = Messages(exception);
        foreach (var endpoint in configuration.GetSection("Kestrel:Endpoints").GetChildren())
        {
            if (Uri.TryCreate(endpoint["Url"], UriKind.Absolute, out var url)
                && message.Contains(url.Authority, StringComparison.OrdinalIgnoreCase))
            {
                return $" (Kestrel:Endpoints:{endpoint.Key}:Url)";
            }
        }

        return string.Empty;
    }

    private static string Messages(Exception exception) =>
        exception.InnerException is { } inner && !exception.Message.Contains(inner.Message, StringComparison.OrdinalIgnoreCase)
            ? $"{exception.Message} {Messages(inner)}"
            : exception.Message;
}
