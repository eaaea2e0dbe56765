using System.Net;
using LatchGateway.Configuration;

namespace LatchGateway.Identity;

/// <summary>Who is presenting a code: the client address and, when known, the user.</summary>
internal sealed class ClientIdentity(LiveOptions<LatchIdentityOptions> options)
{
    /// <summary>
    /// The client's address as the connection (or a trusted proxy's <c>X-Forwarded-For</c>, applied earlier by
    /// the forwarded-headers middleware) gives it; IPv4-mapped IPv6 addresses are read as IPv4.
    /// </summary>
    public static IPAddress? GetClientIp(HttpContext context) => Normalize(context.Connection.RemoteIpAddress);

    public static IPAddress? Normalize(IPAddress? address) =>
        address is { IsIPv4MappedToIPv6: true } ? address.MapToIPv4() : address;

    /// <summary>
    /// The user: the configured claim of a principal authenticated by JWT bearer, else the trusted identity
    /// header (present only on requests from trusted proxies). Null when neither names one.
    /// </summary>
    public string? GetUser(HttpContext context)
    {
        var settings = options.Current;
        var principal = context.User;
        if (principal.Identity?.IsAuthenticated == true)
        {
            return Usable(principal.FindFirst(settings.UserClaim)?.Value);
        }

        return settings.Header is { } header && context.Request.Headers[header] is { Count: 1 } value ? Usable(value[0]) : null;
    }

    /// <summary>The user id if it is usable: 1 to 256 characters, none of them control characters.</summary>
    internal static string? Usable(string? user) =>
        string.IsNullOrEmpty(user) || user.Length > LatchIdentityOptions.MaxUserLength || user.Any(char.IsControl) ? null : user;
}
