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

        return address.IsUnixPipe || address.Port is >= 0 and <= 65535 ? null : "has a port outside 0-65535.";
    }

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
