using System.Net;
using LatchGateway.Tests.Infrastructure;

namespace LatchGateway.Tests.Identity;

/// <summary>
/// The client address: the socket's peer, unless that peer is a configured proxy
/// (<c>Latch:ForwardedHeaders</c>), whose <c>X-Forwarded-For</c> is then read right to left, at most
/// <c>ForwardLimit</c> hops. With no proxy configured not even loopback is believed.
/// </summary>
public sealed class ForwardedHeadersTests : IAsyncLifetime
{
    private const string Claimed = "203.0.113.7";

    private TestBackend _backend = null!;

    public async Task InitializeAsync() => _backend = await TestBackend.StartAsync();

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    public static TheoryData<string?, string?> UntrustedPeers => new()
    {
        { null, null },
        { "Latch:ForwardedHeaders:KnownProxies:0", "192.0.2.1" },
        { "Latch:ForwardedHeaders:KnownNetworks:0", "10.0.0.0/8" },
        { "Latch:ForwardedHeaders:KnownProxies:0", "::1" },
    };

    [Theory]
    [MemberData(nameof(UntrustedPeers))]
    public async Task X_Forwarded_For_from_a_peer_that_is_not_a_known_proxy_is_not_believed(string? key, string? value)
    {
        var settings = new Dictionary<string, string?>(GatewayFixture.NoLockout);
        if (key is not null)
        {
            settings[key] = value;
        }

        await using var gateway = await GatewayInstance.StartAsync(_backend, settings);
        using var proxy = gateway.CreateProxyClient();
        var boundToClaimed = await gateway.IssueAsync(ip: Claimed);
        var boundToPeer = await gateway.IssueAsync(ip: "127.0.0.1");

        using var refused = await proxy.PresentAsync(LatchHttp.UniquePath(), boundToClaimed.Code, headers: ("X-Forwarded-For", Claimed));
        using var accepted = await proxy.PresentAsync(LatchHttp.UniquePath(), boundToPeer.Code, headers: ("X-Forwarded-For", Claimed));

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.True(accepted.StatusCode == HttpStatusCode.OK, await LatchHttp.DescribeAsync(accepted));
        var audit = await AbuseHttp.WaitForAuditAsync(gateway, e => e.Count(a => a.Type is "accepted" or "rejected") >= 2);
        var rejected = Assert.Single(audit, a => a.CodeId == boundToClaimed.Id && a.Type == "rejected");
        Assert.Equal("ip_mismatch", rejected.Reason);
        Assert.Equal("127.0.0.1", rejected.ClientIp);
        Assert.Equal("127.0.0.1", Assert.Single(audit, a => a.CodeId == boundToPeer.Id && a.Type == "accepted").ClientIp);
    }

    [Theory]
    [InlineData("Latch:ForwardedHeaders:KnownProxies:0", "127.0.0.1")]
    [InlineData("Latch:ForwardedHeaders:KnownNetworks:0", "127.0.0.0/8")]
    public async Task X_Forwarded_For_from_a_known_proxy_is_the_client(string key, string value)
    {
        var settings = new Dictionary<string, string?>(GatewayFixture.NoLockout) { [key] = value };
        await using var gateway = await GatewayInstance.StartAsync(_backend, settings);
        using var proxy = gateway.CreateProxyClient();
        var boundToClaimed = await gateway.IssueAsync(ip: Claimed);
        var boundToPeer = await gateway.IssueAsync(ip: "127.0.0.1");
        var path = LatchHttp.UniquePath();

        using var accepted = await proxy.PresentAsync(path, boundToClaimed.Code, headers: ("X-Forwarded-For", Claimed));
        using var refused = await proxy.PresentAsync(LatchHttp.UniquePath(), boundToPeer.Code, headers: ("X-Forwarded-For", Claimed));

        Assert.True(accepted.StatusCode == HttpStatusCode.OK, await LatchHttp.DescribeAsync(accepted));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        var audit = await AbuseHttp.WaitForAuditAsync(gateway, e => e.Count(a => a.Type is "accepted" or "rejected") >= 2);
        Assert.Equal(Claimed, Assert.Single(audit, a => a.CodeId == boundToClaimed.Id && a.Type == "accepted").ClientIp);
        var rejected = Assert.Single(audit, a => a.CodeId == boundToPeer.Id && a.Type == "rejected");
        Assert.Equal("ip_mismatch", rejected.Reason);
        Assert.Equal(Claimed, rejected.ClientIp);
    }

    [Fact]
    public async Task ForwardLimit_1_reads_only_the_rightmost_hop()
    {
        var settings = new Dictionary<string, string?>(GatewayFixture.NoLockout)
        {
            ["Latch:ForwardedHeaders:KnownProxies:0"] = "127.0.0.1",
            ["Latch:ForwardedHeaders:ForwardLimit"] = "1",
        };
        await using var gateway = await GatewayInstance.StartAsync(_backend, settings);
        using var proxy = gateway.CreateProxyClient();
        var boundToRightmost = await gateway.IssueAsync(ip: Claimed);
        var boundToLeftmost = await gateway.IssueAsync(ip: "198.51.100.9");
        const string Chain = "198.51.100.9, " + Claimed;

        using var accepted = await proxy.PresentAsync(LatchHttp.UniquePath(), boundToRightmost.Code, headers: ("X-Forwarded-For", Chain));
        using var refused = await proxy.PresentAsync(LatchHttp.UniquePath(), boundToLeftmost.Code, headers: ("X-Forwarded-For", Chain));

        Assert.True(accepted.StatusCode == HttpStatusCode.OK, await LatchHttp.DescribeAsync(accepted));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    [Fact]
    public async Task ForwardLimit_2_reads_through_a_second_known_proxy()
    {
        var settings = new Dictionary<string, string?>(GatewayFixture.NoLockout)
        {
            ["Latch:ForwardedHeaders:KnownProxies:0"] = "127.0.0.1",
            ["Latch:ForwardedHeaders:KnownProxies:1"] = Claimed,
            ["Latch:ForwardedHeaders:ForwardLimit"] = "2",
        };
        await using var gateway = await GatewayInstance.StartAsync(_backend, settings);
        using var proxy = gateway.CreateProxyClient();
        var boundToOrigin = await gateway.IssueAsync(ip: "198.51.100.9");

        using var accepted = await proxy.PresentAsync(
            LatchHttp.UniquePath(), boundToOrigin.Code, headers: ("X-Forwarded-For", "192.0.2.55, 198.51.100.9, " + Claimed));

        Assert.True(accepted.StatusCode == HttpStatusCode.OK, await LatchHttp.DescribeAsync(accepted));
    }

    [Fact]
    public async Task Lockout_counts_the_forwarded_client_not_the_proxy()
    {
        var settings = AbuseHttp.Lockout(maxFailures: 3);
        settings["Latch:ForwardedHeaders:KnownProxies:0"] = "127.0.0.1";
        await using var gateway = await GatewayInstance.StartAsync(_backend, settings);
        using var proxy = gateway.CreateProxyClient();
        for (var i = 0; i < 3; i++)
        {
            using var refused = await proxy.PresentAsync(LatchHttp.UniquePath(), LatchHttp.RandomCode(), headers: ("X-Forwarded-For", Claimed));
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        var forOther = await gateway.IssueAsync(ip: "203.0.113.8");
        var forProxy = await gateway.IssueAsync(ip: "127.0.0.1");
        using var locked = await proxy.PresentAsync(LatchHttp.UniquePath(), LatchHttp.RandomCode(), headers: ("X-Forwarded-For", Claimed));
        using var other = await proxy.PresentAsync(LatchHttp.UniquePath(), forOther.Code, headers: ("X-Forwarded-For", "203.0.113.8"));
        using var direct = await proxy.PresentAsync(LatchHttp.UniquePath(), forProxy.Code);

        await AbuseHttp.AssertLockedOutAsync(locked);
        Assert.True(other.StatusCode == HttpStatusCode.OK, await LatchHttp.DescribeAsync(other));
        Assert.True(direct.StatusCode == HttpStatusCode.OK, await LatchHttp.DescribeAsync(direct));
        var audit = await AbuseHttp.WaitForAuditAsync(gateway, e => e.Any(a => a.Type == "locked_out"));
        var lockout = Assert.Single(audit, a => a.Type == "locked_out");
        Assert.Equal(Claimed, lockout.ClientIp);
        Assert.Equal("client_ip", lockout.Reason);
    }

    [Fact]
    public async Task On_a_dual_stack_listener_IPv4_clients_arrive_IPv4_mapped_and_match_IPv4_bindings()
    {
        var port = FreePort.Next();
        var settings = new Dictionary<string, string?>(GatewayFixture.NoLockout)
        {
            ["Kestrel:Endpoints:Proxy:Url"] = $"http://[::]:{port}",
        };
        await using var gateway = await GatewayInstance.StartAsync(_backend, settings);
        var forIpv4 = await gateway.IssueAsync(ip: "127.0.0.1");
        var forIpv4Again = await gateway.IssueAsync(ip: "127.0.0.0/8");
        var forIpv6 = await gateway.IssueAsync(ip: "::1");
        var forIpv4FromIpv6 = await gateway.IssueAsync(ip: "127.0.0.1");
        using var overIpv4 = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        using var overIpv6 = new HttpClient { BaseAddress = new Uri($"http://[::1]:{port}/") };

        using var ipv4 = await overIpv4.PresentAsync(LatchHttp.UniquePath(), forIpv4.Code);
        using var ipv4Range = await overIpv4.PresentAsync(LatchHttp.UniquePath(), forIpv4Again.Code);
        using var ipv6 = await overIpv6.PresentAsync(LatchHttp.UniquePath(), forIpv6.Code);
        using var ipv6ForIpv4 = await overIpv6.PresentAsync(LatchHttp.UniquePath(), forIpv4FromIpv6.Code);

        Assert.True(ipv4.StatusCode == HttpStatusCode.OK, await LatchHttp.DescribeAsync(ipv4));
        Assert.True(ipv4Range.StatusCode == HttpStatusCode.OK, await LatchHttp.DescribeAsync(ipv4Range));
        Assert.True(ipv6.StatusCode == HttpStatusCode.OK, await LatchHttp.DescribeAsync(ipv6));
        Assert.Equal(HttpStatusCode.Forbidden, ipv6ForIpv4.StatusCode);
        var audit = await AbuseHttp.WaitForAuditAsync(gateway, e => e.Count(a => a.Type is "accepted" or "rejected") >= 4);
        Assert.Equal("127.0.0.1", Assert.Single(audit, a => a.CodeId == forIpv4.Id && a.Type == "accepted").ClientIp);
        Assert.Equal("::1", Assert.Single(audit, a => a.CodeId == forIpv6.Id && a.Type == "accepted").ClientIp);
    }

    [Theory]
    [InlineData("Latch:ForwardedHeaders:KnownProxies:0", "127.0.0.1")]
    [InlineData("Latch:ForwardedHeaders:KnownNetworks:0", "127.0.0.0/8")]
    public async Task On_a_dual_stack_listener_an_IPv4_mapped_peer_is_the_known_IPv4_proxy(string key, string value)
    {
        var port = FreePort.Next();
        var settings = new Dictionary<string, string?>(GatewayFixture.NoLockout)
        {
            ["Kestrel:Endpoints:Proxy:Url"] = $"http://[::]:{port}",
            [key] = value,
            ["Latch:Identity:Header"] = "X-Forwarded-User",
        };
        await using var gateway = await GatewayInstance.StartAsync(_backend, settings);
        var code = await gateway.IssueAsync(ip: Claimed, user: "alice");
        using var overIpv4 = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };

        using var response = await overIpv4.PresentAsync(
            LatchHttp.UniquePath(), code.Code, headers: [("X-Forwarded-For", Claimed), ("X-Forwarded-User", "alice")]);

        Assert.True(response.StatusCode == HttpStatusCode.OK, await LatchHttp.DescribeAsync(response));
    }
}
