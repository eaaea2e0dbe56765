using System.Net;
using System.Net.Sockets;
using LatchGateway.Net;

namespace LatchGateway.Tests.Net;

/// <summary>The one reader of operator-written addresses and ranges: admin issue requests and trusted-proxy settings.</summary>
public sealed class StrictIPParserTests
{
    [Theory]
    [InlineData("203.0.113.7", "203.0.113.7")]
    [InlineData("0.0.0.0", "0.0.0.0")]
    [InlineData("255.255.255.255", "255.255.255.255")]
    [InlineData("10.0.0.100", "10.0.0.100")]
    [InlineData("::1", "::1")]
    [InlineData("::", "::")]
    [InlineData("2001:db8::7", "2001:db8::7")]
    [InlineData("2001:DB8::7", "2001:db8::7")]
    [InlineData("2001:0db8:0000:0000:0000:0000:0000:0007", "2001:db8::7")]
    [InlineData("64:ff9b::192.0.2.33", "64:ff9b::c000:221")]
    public void Reads_plain_addresses(string text, string expected)
    {
        Assert.True(StrictIPParser.TryParseAddress(text, out var address));

        Assert.Equal(IPAddress.Parse(expected), address);
    }

    [Theory]
    [InlineData("::ffff:10.1.2.3", "10.1.2.3")]
    [InlineData("::FFFF:203.0.113.7", "203.0.113.7")]
    [InlineData("::ffff:a01:203", "10.1.2.3")]
    public void Reads_an_IPv4_mapped_address_as_IPv4(string text, string expected)
    {
        Assert.True(StrictIPParser.TryParseAddress(text, out var address));

        Assert.Equal(AddressFamily.InterNetwork, address.AddressFamily);
        Assert.Equal(expected, address.ToString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("not an ip")]
    [InlineData("example.com")]
    [InlineData("999.1.1.1")]
    [InlineData("256.0.0.1")]
    [InlineData("1.2.3.4.5")]
    [InlineData("1.2.3.")]
    [InlineData(".1.2.3")]
    [InlineData("1..2.3")]
    [InlineData(" 203.0.113.7")]
    [InlineData("203.0.113.7 ")]
    [InlineData("203.0.113.7\n")]
    [InlineData("\t::1")]
    [InlineData("::1 ")]
    [InlineData("fe80::1%eth0")]
    [InlineData("fe80::1%4")]
    [InlineData("[::1]")]
    [InlineData("[::1]:80")]
    [InlineData("203.0.113.7:80")]
    [InlineData("1::2::3")]
    [InlineData("2001:db8::00007")]
    [InlineData("10.0.0.0/8")]
    [InlineData("+1.2.3.4")]
    [InlineData("１.2.3.4")] // a full-width digit
    public void Refuses_what_is_not_a_plain_address(string? text)
    {
        Assert.False(StrictIPParser.TryParseAddress(text, out var address));
        Assert.Null(address);
    }

    [Theory]
    [InlineData("10.1")] // 10.0.0.1 to IPAddress.TryParse
    [InlineData("1")] // 0.0.0.1
    [InlineData("1.2.3")] // 1.2.0.3
    [InlineData("203.0.113")] // 203.0.0.113
    [InlineData("010.0.0.1")] // octal: 8.0.0.1
    [InlineData("10.0.0.01")]
    [InlineData("10.00.0.1")]
    [InlineData("0x7f.1")] // 127.0.0.1
    [InlineData("0x7f000001")]
    [InlineData("2130706433")] // 127.0.0.1 as one number
    [InlineData("::ffff:010.0.0.1")]
    [InlineData("::ffff:10.1")]
    [InlineData("::ffff:10.0.0.01")]
    public void Refuses_legacy_and_leading_zero_IPv4_forms(string text)
    {
        // An operator who writes "010.0.0.1" means 10.0.0.1, not 8.0.0.1: such forms name an unintended host.
        Assert.False(StrictIPParser.TryParseAddress(text, out var address), $"accepted as {address}");
    }

    [Theory]
    [InlineData("10.0.0.0/8", "10.0.0.0", 8)]
    [InlineData("0.0.0.0/0", "0.0.0.0", 0)]
    [InlineData("203.0.113.7/32", "203.0.113.7", 32)]
    [InlineData("192.168.0.0/16", "192.168.0.0", 16)]
    [InlineData("172.16.0.0/12", "172.16.0.0", 12)]
    [InlineData("10.0.0.128/25", "10.0.0.128", 25)]
    [InlineData("2001:db8::/31", "2001:db8::", 31)]
    [InlineData("2001:db8::/32", "2001:db8::", 32)]
    [InlineData("::/0", "::", 0)]
    [InlineData("::1/128", "::1", 128)]
    [InlineData("fe80::/10", "fe80::", 10)]
    public void Reads_ranges(string text, string baseAddress, int prefix)
    {
        Assert.True(StrictIPParser.TryParseRange(text, out var range));

        Assert.Equal(IPAddress.Parse(baseAddress), range.BaseAddress);
        Assert.Equal(prefix, range.PrefixLength);
    }

    [Fact]
    public void Keeps_an_IPv4_mapped_range_as_written()
    {
        Assert.True(StrictIPParser.TryParseRange("::ffff:10.0.0.0/104", out var range));

        Assert.Equal(AddressFamily.InterNetworkV6, range.BaseAddress.AddressFamily);
        Assert.Equal(104, range.PrefixLength);
    }

    [Theory]
    [InlineData("10.0.0.1/8")]
    [InlineData("203.0.113.7/24")]
    [InlineData("10.0.0.64/25")]
    [InlineData("2001:db8::1/32")]
    [InlineData("2001:db9::/31")]
    [InlineData("::1/127")]
    public void Refuses_a_range_with_host_bits_set(string text)
    {
        // "10.0.0.1/8" is a typo for either 10.0.0.1 or 10.0.0.0/8; reading it as all of 10/8 silently widens it.
        Assert.False(StrictIPParser.TryParseRange(text, out _));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("10.0.0.0")]
    [InlineData("2001:db8::")]
    [InlineData("10.0.0.0/33")]
    [InlineData("10.0.0.0/100")]
    [InlineData("2001:db8::/129")]
    [InlineData("::/1000")]
    [InlineData("10.0.0.0/")]
    [InlineData("/8")]
    [InlineData("10.0.0.0/-1")]
    [InlineData("10.0.0.0/+8")]
    [InlineData("10.0.0.0/08")]
    [InlineData("10.0.0.0/8/8")]
    [InlineData("10.0.0.0/8 ")]
    [InlineData(" 10.0.0.0/8")]
    [InlineData("10.0.0.0 /8")]
    [InlineData("10.0.0.0/ 8")]
    [InlineData("10.0/8")] // 10.0.0.0/8 to IPNetwork.TryParse
    [InlineData("010.0.0.0/8")] // octal: 8.0.0.0/8
    [InlineData("fe80::%eth0/64")]
    [InlineData("fe80::%4/64")]
    [InlineData("10.0.0.0/0x8")]
    public void Refuses_what_is_not_a_plain_range(string? text)
    {
        Assert.False(StrictIPParser.TryParseRange(text, out var range), $"accepted as {range}");
    }

    [Theory]
    [InlineData("203.0.113.7", "203.0.113.7", 32)]
    [InlineData("::ffff:10.1.2.3", "10.1.2.3", 32)]
    [InlineData("2001:db8::7", "2001:db8::7", 128)]
    [InlineData("10.0.0.0/8", "10.0.0.0", 8)]
    [InlineData("2001:db8::/32", "2001:db8::", 32)]
    public void Reads_an_address_as_the_range_of_that_one_host(string text, string baseAddress, int prefix)
    {
        Assert.True(StrictIPParser.TryParseAddressOrRange(text, out var range));

        Assert.Equal(IPAddress.Parse(baseAddress), range.BaseAddress);
        Assert.Equal(prefix, range.PrefixLength);
    }

    [Fact]
    public void An_IPv4_mapped_address_is_a_range_that_holds_the_IPv4_host()
    {
        Assert.True(StrictIPParser.TryParseAddressOrRange("::ffff:10.1.2.3", out var range));

        Assert.True(range.Contains(IPAddress.Parse("10.1.2.3")));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("10.0.0.1/8")]
    [InlineData("10.0.0.0/33")]
    [InlineData("010.0.0.1")]
    [InlineData("fe80::1%eth0")]
    [InlineData(" 203.0.113.7")]
    public void Address_or_range_refuses_what_either_refuses(string? text)
    {
        Assert.False(StrictIPParser.TryParseAddressOrRange(text, out _));
    }

    [Fact]
    public void Parse_reads_checked_text_and_throws_on_anything_else()
    {
        Assert.Equal(IPAddress.Parse("10.1.2.3"), StrictIPParser.ParseAddress("::ffff:10.1.2.3"));
        Assert.Equal(System.Net.IPNetwork.Parse("10.0.0.0/8"), StrictIPParser.ParseRange("10.0.0.0/8"));
        Assert.Throws<FormatException>(() => StrictIPParser.ParseAddress("010.0.0.1"));
        Assert.Throws<FormatException>(() => StrictIPParser.ParseRange("10.0.0.1/8"));
    }
}
