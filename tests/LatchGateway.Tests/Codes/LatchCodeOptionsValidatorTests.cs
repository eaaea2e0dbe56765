using LatchGateway.Codes;

namespace LatchGateway.Tests.Codes;

public sealed class LatchCodeOptionsValidatorTests
{
    private static readonly LatchCodeOptionsValidator Validator = new();

    [Fact]
    public void Defaults_are_valid()
    {
        var result = Validator.Validate(null, new LatchCodeOptions());

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Defaults_match_the_contract()
    {
        var options = new LatchCodeOptions();

        Assert.Equal(10, options.Length);
        Assert.Equal(TimeSpan.FromSeconds(120), options.DefaultTtl);
        Assert.Equal(TimeSpan.FromSeconds(300), options.MaxTtl);
        Assert.Equal("Latch:Codes", LatchCodeOptions.SectionName);
    }

    [Theory]
    [InlineData(8)]
    [InlineData(32)]
    public void Length_at_the_bounds_is_valid(int length)
    {
        Assert.True(Validator.Validate(null, new LatchCodeOptions { Length = length }).Succeeded);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(33)]
    [InlineData(-10)]
    public void Length_out_of_range_fails_naming_the_key(int length)
    {
        var result = Validator.Validate(null, new LatchCodeOptions { Length = length });

        Assert.True(result.Failed);
        Assert.Contains("Latch:Codes:Length", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void MaxTtl_below_DefaultTtl_fails()
    {
        var result = Validator.Validate(null, new LatchCodeOptions { DefaultTtl = TimeSpan.FromMinutes(3), MaxTtl = TimeSpan.FromMinutes(2) });

        Assert.True(result.Failed);
        Assert.Contains("Latch:Codes:MaxTtl", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void MaxTtl_equal_to_DefaultTtl_is_valid()
    {
        Assert.True(Validator.Validate(null, new LatchCodeOptions { DefaultTtl = TimeSpan.FromMinutes(2), MaxTtl = TimeSpan.FromMinutes(2) }).Succeeded);
    }

    [Fact]
    public void MaxTtl_of_one_hour_is_valid_and_over_one_hour_fails()
    {
        Assert.True(Validator.Validate(null, new LatchCodeOptions { MaxTtl = TimeSpan.FromHours(1) }).Succeeded);

        var result = Validator.Validate(null, new LatchCodeOptions { MaxTtl = TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1) });

        Assert.True(result.Failed);
        Assert.Contains("Latch:Codes:MaxTtl", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void DefaultTtl_not_positive_fails(int seconds)
    {
        var result = Validator.Validate(null, new LatchCodeOptions { DefaultTtl = TimeSpan.FromSeconds(seconds) });

        Assert.True(result.Failed);
        Assert.Contains("Latch:Codes:DefaultTtl", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("abc")]
    [InlineData("%%%%")]
    public void HashKey_not_base64_fails_naming_the_key(string key)
    {
        var result = Validator.Validate(null, new LatchCodeOptions { HashKey = key });

        Assert.True(result.Failed);
        Assert.Contains("Latch:Codes:HashKey", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(16)]
    [InlineData(31)]
    public void HashKey_under_32_bytes_fails_naming_the_key(int bytes)
    {
        var result = Validator.Validate(null, new LatchCodeOptions { HashKey = Convert.ToBase64String(new byte[bytes]) });

        Assert.True(result.Failed);
        Assert.Contains("Latch:Codes:HashKey", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(32)]
    [InlineData(64)]
    public void HashKey_of_32_bytes_or_more_is_valid(int bytes)
    {
        var key = Convert.ToBase64String(Enumerable.Range(0, bytes).Select(i => (byte)i).ToArray());

        Assert.True(Validator.Validate(null, new LatchCodeOptions { HashKey = key }).Succeeded);
    }

    [Fact]
    public void Reports_every_failure_at_once()
    {
        var result = Validator.Validate(null, new LatchCodeOptions { Length = 7, HashKey = "abc" });

        Assert.Contains("Latch:Codes:Length", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Latch:Codes:HashKey", result.FailureMessage, StringComparison.Ordinal);
    }
}
