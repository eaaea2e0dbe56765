using System.Net;
using LatchGateway.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace LatchGateway.Identity;

/// <summary>
/// The configured proxies, applied to ASP.NET Core's forwarded-headers handling with its loopback defaults
/// cleared, and asked directly for the trusted identity header.
/// </summary>
internal sealed class TrustedProxies : IConfigureOptions<ForwardedHeadersOptions>
{
    private readonly IPAddress[] _proxies;
    private readonly System.Net.IPNetwork[] _networks;
    private readonly int _forwardLimit;

    public TrustedProxies(IOptions<LatchForwardedHeadersOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.Value;
        _proxies = [.. settings.KnownProxies.Select(StrictIPParser.ParseAddress)];
        _networks = [.. settings.KnownNetworks.Select(StrictIPParser.ParseRange)];
        _forwardLimit = settings.ForwardLimit;
    }

    public bool IsEmpty => _proxies.Length == 0 && _networks.Length == 0;

    public bool Contains(IPAddress? peer)
    {
        if (ClientIdentity.Normalize(peer) is not { } address)
        {
            return false;
        }

        foreach (var proxy in _proxies)
        {
            if (proxy.Equals(address))
            {
                return true;
            }
        }

        foreach (var network in _networks)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }

    public void Configure(ForwardedHeadersOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
        options.ForwardLimit = _forwardLimit;
        options.RequireHeaderSymmetry = false;
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var proxy in _proxies)
        {
            options.KnownProxies.Add(proxy);
            if (proxy.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
            {
                options.KnownProxies.Add(proxy.MapToIPv6());
            }
        }

        foreach (var network in _networks)
        {
            options.KnownIPNetworks.Add(network);
        }
    }

}
