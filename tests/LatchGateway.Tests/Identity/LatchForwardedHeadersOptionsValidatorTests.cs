using LatchGateway.Identity;

namespace LatchGateway.Tests.Identity;

public sealed class LatchForwardedHeadersOptionsValidatorTests
{
    private static readonly LatchForwardedHeadersOptionsValidator Validator = new();

    [Fact]
    public void Plain_addresses_and_ranges_pass()
    {
        var result = Validator.Validate(null, new LatchForwardedHeadersOptions
        {
            KnownProxies = ["192.0.2.1", "::1", "::ffff:10.1.2.3"],
            KnownNetworks = ["10.0.0.0/8", "2001:db8::/32"],
        });

        Assert.True(result.Succeeded);
    }

    [Theory]
    [InlineData("not-an-ip")]
    [InlineData("10.0.0.0/8")]
    [InlineData("010.0.0.1")]
    [InlineData("10.1")]
    [InlineData("fe80::1%eth0")]
    [InlineData(" 192.0.2.1")]
    public void A_bad_proxy_is_named_by_key_and_value(string value)
    {
        var result = Validator.Validate(null, new LatchForwardedHeadersOptions { KnownProxies = ["192.0.2.1", value] });

        Assert.Equal([$"Latch:ForwardedHeaders:KnownProxies:1 ('{value}') is not an IP address."], result.Failures);
    }

    [Theory]
    [InlineData("10.0.0.1/8")]
    [InlineData("10.0.0.0")]
    [InlineData("10.0.0.0/33")]
    [InlineData("2001:db8::/129")]
    [InlineData("010.0.0.0/8")]
    [InlineData("fe80::%eth0/64")]
    public void A_bad_network_is_named_by_key_and_value(string value)
    {
        var result = Validator.Validate(null, new LatchForwardedHeadersOptions { KnownNetworks = [value] });

        Assert.Equal([$"Latch:ForwardedHeaders:KnownNetworks:0 ('{value}') is not a CIDR range such as 10.0.0.0/8."], result.Failures);
    }
}
