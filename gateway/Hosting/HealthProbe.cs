using System.Net.Security;

namespace LatchGateway.Hosting;

/// <summary>
/// <c>LatchGateway --health-probe</c>: asks the running gateway's Admin listener for <c>/healthz</c> and exits 0 when
/// it answers 200 within a few seconds, else 1, printing one line. It reads the Admin URL from the configuration
/// the gateway reads and starts nothing: a container health check for an image without curl.
/// </summary>
internal static class HealthProbe
{
    public const string Argument = "--health-probe";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    public static bool IsRequested(string[] args) => args.Contains(Argument, StringComparer.Ordinal);

    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [.. args.Where(static a => a != Argument)] });
        ConfigDirectory.AddTo(builder.Configuration, builder.Environment.ContentRootPath);
        var key = $"Kestrel:Endpoints:{Listeners.Admin}:Url";
        var url = builder.Configuration[key];
        if (string.IsNullOrWhiteSpace(url) || ListenerUrl.Local(url, "/healthz") is not { } target)
        {
            await output.WriteLineAsync($"unhealthy: {key} is not an http(s) address to probe ('{url}').").ConfigureAwait(false);
            return 1;
        }

        using var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            ConnectTimeout = Timeout,
            SslOptions = new SslClientAuthenticationOptions
            {
                // Its own listener on this machine, by address: the certificate names the public host, and the probe
                // sends nothing but GET /healthz.
#pragma warning disable CA5359
                RemoteCertificateValidationCallback = static (_, _, _, _) => true,
#pragma warning restore CA5359
            },
        };
        using var client = new HttpClient(handler) { Timeout = Timeout };
        try
        {
            using var response = await client.GetAsync(target).ConfigureAwait(false);
            var healthy = (int)response.StatusCode == StatusCodes.Status200OK;
            await output.WriteLineAsync($"{(healthy ? "healthy" : "unhealthy")}: GET {target} answered {(int)response.StatusCode}.").ConfigureAwait(false);
            return healthy ? 0 : 1;
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            var reason = exception is TaskCanceledException ? $"no answer within {Timeout.TotalSeconds:0} s" : exception.Message;
            await output.WriteLineAsync($"unhealthy: GET {target} failed: {reason}").ConfigureAwait(false);
            return 1;
        }
    }
}
