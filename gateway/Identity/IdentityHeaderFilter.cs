using LatchGateway.Configuration;

namespace LatchGateway.Identity;

/// <summary>
/// First middleware: removes the configured identity header (<c>Latch:Identity:Header</c>) from every request
/// whose socket peer is not a trusted proxy, so neither the gateway nor a backend ever believes a client that
/// names itself. Runs before forwarded headers replace the peer address with the client's.
/// </summary>
/// <remarks>
/// Only the configured name (in any case) names a user, and only from a trusted proxy: the gateway looks the header
/// up by that name, so another spelling of it (<c>X_Forwarded_User</c> for <c>X-Forwarded-User</c>), which a
/// CGI-style backend would read as the same variable, never binds identity, whoever sends it, a trusted proxy
/// included. Such spellings are removed from the forwarded request by
/// <see cref="Transforms.LatchRequestScrubber"/>, in the pass over the headers it makes anyway, rather than by
/// walking every request's headers here.
/// </remarks>
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
