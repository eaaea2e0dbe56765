using System.Net;
using LatchGateway.Identity;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Options;

namespace LatchGateway.Tests.Identity;

/// <summary>Address normalisation and the trusted-proxy list, unit by unit.</summary>
public sealed class TrustedProxiesTests
{
    [Theory]
    [InlineData("::ffff:127.0.0.1", "127.0.0.1")]
    [InlineData("::ffff:10.1.2.3", "10.1.2.3")]
    [InlineData("127.0.0.1", "127.0.0.1")]
    [InlineData("::1", "::1")]
    [InlineData("2001:db8::1", "2001:db8::1")]
    public void Normalize_reads_IPv4_mapped_IPv6_as_IPv4(string address, string expected)
    {
        var normalised = ClientIdentity.Normalize(IPAddress.Parse(address));

        Assert.Equal(IPAddress.Parse(expected), normalised);
        Assert.Equal(expected, normalised!.ToString());
    }

    [Fact]
    public void Normalize_keeps_null()
    {
        Assert.Null(ClientIdentity.Normalize(null));
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::ffff:127.0.0.1")]
    public void A_known_IPv4_proxy_matches_its_plain_and_its_IPv4_mapped_form(string peer)
    {
        var proxies = Proxies(new LatchForwardedHeadersOptions { KnownProxies = ["127.0.0.1"] });

        Assert.True(proxies.Contains(IPAddress.Parse(peer)));
    }

    [Theory]
    [InlineData("127.0.0.2")]
    [InlineData("::ffff:127.0.0.2")]
    [InlineData("::1")]
    [InlineData("10.0.0.1")]
    public void Other_peers_do_not_match_a_known_proxy(string peer)
    {
        var proxies = Proxies(new LatchForwardedHeadersOptions { KnownProxies = ["127.0.0.1"] });

        Assert.False(proxies.Contains(IPAddress.Parse(peer)));
    }

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("127.255.255.254", true)]
    [InlineData("::ffff:127.0.0.9", true)]
    [InlineData("128.0.0.1", false)]
    [InlineData("::ffff:128.0.0.1", false)]
    [InlineData("::1", false)]
    public void A_known_network_matches_plain_and_IPv4_mapped_peers_inside_it(string peer, bool expected)
    {
        var proxies = Proxies(new LatchForwardedHeadersOptions { KnownNetworks = ["127.0.0.0/8"] });

        Assert.Equal(expected, proxies.Contains(IPAddress.Parse(peer)));
    }

    [Fact]
    public void A_known_proxy_written_IPv4_mapped_matches_the_IPv4_peer()
    {
        var proxies = Proxies(new LatchForwardedHeadersOptions { KnownProxies = ["::ffff:10.1.2.3"] });

        Assert.True(proxies.Contains(IPAddress.Parse("10.1.2.3")));
        Assert.True(proxies.Contains(IPAddress.Parse("::ffff:10.1.2.3")));
    }

    [Fact]
    public void Nothing_is_trusted_by_default_and_null_never_is()
    {
        var proxies = Proxies(new LatchForwardedHeadersOptions());

        Assert.True(proxies.IsEmpty);
        Assert.False(proxies.Contains(IPAddress.Loopback));
        Assert.False(proxies.Contains(IPAddress.IPv6Loopback));
        Assert.False(proxies.Contains(null));
    }

    [Fact]
    public void Forwarded_headers_options_lose_ASP_NET_Core_loopback_defaults_and_get_exactly_the_configured_proxies()
    {
        var proxies = Proxies(new LatchForwardedHeadersOptions { KnownProxies = ["192.0.2.1"], KnownNetworks = ["10.0.0.0/8"], ForwardLimit = 2 });
        var options = new ForwardedHeadersOptions();

        proxies.Configure(options);

        Assert.Equal(2, options.ForwardLimit);
        Assert.DoesNotContain(IPAddress.IPv6Loopback, options.KnownProxies);
        Assert.DoesNotContain(IPAddress.Loopback, options.KnownProxies);
        Assert.Contains(IPAddress.Parse("192.0.2.1"), options.KnownProxies);
        Assert.Contains(IPAddress.Parse("::ffff:192.0.2.1"), options.KnownProxies);
        Assert.Equal([System.Net.IPNetwork.Parse("10.0.0.0/8")], options.KnownIPNetworks);
#pragma warning disable ASPDEPR005 // The obsolete list must not keep the loopback default either.
        Assert.DoesNotContain(options.KnownNetworks, n => n.Contains(IPAddress.Loopback));
#pragma warning restore ASPDEPR005
    }

    private static TrustedProxies Proxies(LatchForwardedHeadersOptions settings) => new(Options.Create(settings));
}
