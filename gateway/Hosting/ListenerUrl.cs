using Microsoft.AspNetCore.Http;

namespace LatchGateway.Hosting;

/// <summary>A Kestrel endpoint URL (<c>Kestrel:Endpoints:{name}:Url</c>): whether it can be bound, and how to reach it locally.</summary>
internal static class ListenerUrl
{
    /// <summary>Why Kestrel could not listen on <paramref name="url"/>, as the end of a sentence; null when it can.</summary>
    public static string? Problem(string url)
    {
        if (Parse(url) is not { } address)
        {
            return $"is not a URL Kestrel can listen on (for example http://0.0.0.0:8080).";
        }

        if (!string.Equals(address.Scheme, "http", StringComparison.OrdinalIgnoreCase)
            && !string.Equals(address.Scheme, "https", StringComparison.OrdinalIgnoreCase))
        {
            return $"must start with http:// or https://.";
        }

        if (address.IsUnixPipe)
        {
            return null;
        }

        // Kestrel reads a URL without a port as port 80, and a host that is neither an address nor localhost as "every
        // interface": a typo would quietly open the listener (the Admin API included) on port 80 of every network.
        if (!HasExplicitPort(url))
        {
            return "must name its port (for example http://127.0.0.1:8081).";
        }

        if (address.Port is < 0 or > 65535)
        {
            return "has a port outside 0-65535.";
        }

        return IsBindableHost(address.Host)
            ? null
            : "must name an IP address, localhost, or 0.0.0.0 / [::] / * for every interface; a host name would listen on every interface.";
    }

    private static bool HasExplicitPort(string url)
    {
        var authority = url.AsSpan(url.IndexOf("://", StringComparison.Ordinal) + 3);
        var end = authority.IndexOf('/');
        if (end >= 0)
        {
            authority = authority[..end];
        }

        var colon = authority.LastIndexOf(':');
        var closingBracket = authority.LastIndexOf(']');
        if (colon < 0 || colon < closingBracket || colon == authority.Length - 1)
        {
            return false;
        }

        foreach (var c in authority[(colon + 1)..])
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsBindableHost(string host) =>
        host is "+" or "*"
        || string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
        || System.Net.IPAddress.TryParse(host.Trim('[', ']'), out _);

    /// <summary>
    /// The URL of <paramref name="path"/> on the listener as a client on the same machine reaches it: a wildcard host
    /// (<c>0.0.0.0</c>, <c>[::]</c>, <c>+</c>, <c>*</c>) and <c>localhost</c> become 127.0.0.1. Null for a URL
    /// Kestrel could not bind, or a Unix socket.
    /// </summary>
    public static Uri? Local(string url, string path)
    {
        if (Problem(url) is not null || Parse(url) is not { IsUnixPipe: false } address)
        {
            return null;
        }

        var host = address.Host switch
        {
            "0.0.0.0" or "[::]" or "::" or "+" or "*" => "127.0.0.1",
            var named when string.Equals(named, "localhost", StringComparison.OrdinalIgnoreCase) => "127.0.0.1",
            var named => named,
        };
        return new UriBuilder(address.Scheme.ToLowerInvariant(), host, address.Port, path).Uri;
    }

    private static BindingAddress? Parse(string url)
    {
        try
        {
            return BindingAddress.Parse(url);
        }
        catch (Exception exception) when (exception is FormatException or ArgumentException or OverflowException)
        {
            return null;
        }
    }
}
