using System.Net;
using LatchGateway.Lockout;

namespace LatchGateway.Tests.Lockout;

/// <summary>Clients are counted by the leading bits of their address: <c>IPv4Prefix</c> (32) and <c>IPv6Prefix</c> (64).</summary>
public sealed class LockoutSubjectTests
{
    private static readonly LatchLockoutOptions Defaults = new();

    [Theory]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2:ffff:ffff:ffff:ffff", 64)]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2:8000::", 64)]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:3::1", 48)]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2::1", 128)]
    [InlineData("192.0.2.1", "192.0.2.254", 24)]
    [InlineData("192.0.2.1", "192.0.3.1", 20)]
    public void Addresses_in_one_network_are_one_subject(string first, string second, int prefix)
    {
        var options = Defaults with { IPv4Prefix = Math.Min(prefix, 32), IPv6Prefix = prefix };

        var a = LockoutSubject.ForClient(IPAddress.Parse(first), options);
        var b = LockoutSubject.ForClient(IPAddress.Parse(second), options);

        Assert.Equal(a, b);
        Assert.Equal(a.Key, b.Key);
    }

    [Theory]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:3::1")]
    [InlineData("192.0.2.1", "192.0.2.2")]
    public void With_the_defaults_other_networks_and_other_IPv4_addresses_are_other_subjects(string first, string second)
    {
        var a = LockoutSubject.ForClient(IPAddress.Parse(first), Defaults);
        var b = LockoutSubject.ForClient(IPAddress.Parse(second), Defaults);

        Assert.NotEqual(a, b);
        Assert.NotEqual(a.Key, b.Key);
    }

    [Fact]
    public void Keys_name_the_network_counted_and_a_whole_address_as_it_is()
    {
        Assert.Equal("ip:192.0.2.7", LockoutSubject.ForClient(IPAddress.Parse("192.0.2.7"), Defaults).Key);
        Assert.Equal("ip:2001:db8:1:2::/64", LockoutSubject.ForClient(IPAddress.Parse("2001:db8:1:2:3:4:5:6"), Defaults).Key);
        Assert.Equal("admin-ip:198.51.100.0/24", LockoutSubject.ForAdminClient(IPAddress.Parse("198.51.100.9"), Defaults with { IPv4Prefix = 24 }).Key);
        Assert.Equal("ip:2001:db8:1:2::/63", LockoutSubject.ForClient(IPAddress.Parse("2001:db8:1:3::1"), Defaults with { IPv6Prefix = 63 }).Key);
        Assert.Equal("user:alice", LockoutSubject.ForUser("alice").Key);
    }
}
