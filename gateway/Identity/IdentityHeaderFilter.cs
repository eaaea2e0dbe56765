using LatchGateway.Admin.Configuration;

namespace LatchGateway.Identity;

/// <summary>
/// First middleware: removes the configured identity header (<c>Latch:Identity:Header</c>) from every request
/// whose socket peer is not a trusted proxy, so neither the gateway nor a backend ever believes a client that
/// names itself. Runs before forwarded headers replace the peer address with the client's.
/// </summary>
internal sealed class IdentityHeaderFilter(RequestDelegate next, LiveOptions<LatchIdentityOptions> options, TrustedProxies proxies)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (options.Current.Header is { } header
            && context.Request.Headers.ContainsKey(header)
            && !proxies.Contains(context.Connection.RemoteIpAddress))
        {
            context.Request.Headers.Remove(header);
        }

        return next(context);
    }
}
