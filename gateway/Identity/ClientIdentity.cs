using System.Net;
using Microsoft.Extensions.Options;

namespace LatchGateway.Identity;

/// <summary>Who is presenting a code: the client address and, when authenticated, the user.</summary>
internal sealed class ClientIdentity(IOptionsMonitor<LatchIdentityOptions> options)
{
    /// <summary>
    /// The client's address as the connection (or a trusted forwarded header, applied earlier by the
    /// forwarded-headers middleware) gives it; IPv4-mapped IPv6 addresses are read as IPv4.
    /// </summary>
    public static IPAddress? GetClientIp(HttpContext context) => Normalize(context.Connection.RemoteIpAddress);

    public static IPAddress? Normalize(IPAddress? address) =>
        address is { IsIPv4MappedToIPv6: true } ? address.MapToIPv4() : address;

    /// <summary>The authenticated user's name from the configured claim, or null.</summary>
    public string? GetUser(HttpContext context)
    {
        var principal = context.User;
        if (principal.Identity?.IsAuthenticated != true)
        {
            return null;
        }

        var value = principal.FindFirst(options.CurrentValue.UserClaim)?.Value;
        return string.IsNullOrEmpty(value) ? null : value;
    }
}
