using LatchGateway.Codes;
using LatchGateway.Store;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace LatchGateway.Tests.Store;

public sealed class LatchStoreOptionsValidatorTests
{
    private static readonly string HashKey = Convert.ToBase64String(new byte[32]);

    [Fact]
    public void Defaults_are_valid_memory_store_with_a_positive_sweep_interval()
    {
        var options = new LatchStoreOptions();

        Assert.True(Validator().Validate(null, options).Succeeded);
        Assert.Equal(LatchStoreProvider.Memory, options.Provider);
        Assert.True(options.SweepInterval > TimeSpan.Zero);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void A_sweep_interval_that_is_not_positive_fails_naming_the_key(int seconds)
    {
        var result = Validator().Validate(null, new LatchStoreOptions { SweepInterval = TimeSpan.FromSeconds(seconds) });

        Assert.True(result.Failed);
        Assert.Contains("Latch:Store:SweepInterval", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Redis_with_a_connection_string_and_a_hash_key_is_valid()
    {
        var result = Validator(connectionString: "127.0.0.1:6379", hashKey: HashKey)
            .Validate(null, new LatchStoreOptions { Provider = LatchStoreProvider.Redis });

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Redis_without_a_connection_string_fails_naming_the_key()
    {
        var result = Validator(hashKey: HashKey).Validate(null, new LatchStoreOptions { Provider = LatchStoreProvider.Redis });

        Assert.True(result.Failed);
        Assert.Contains("ConnectionStrings:Redis", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Redis_without_a_hash_key_fails_naming_the_key()
    {
        var result = Validator(connectionString: "127.0.0.1:6379").Validate(null, new LatchStoreOptions { Provider = LatchStoreProvider.Redis });

        Assert.True(result.Failed);
        Assert.Contains("Latch:Codes:HashKey", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("latch{a}")]
    public void A_key_prefix_that_is_empty_or_holds_a_hash_tag_fails(string prefix)
    {
        var result = Validator().Validate(null, new LatchStoreOptions { KeyPrefix = prefix });

        Assert.True(result.Failed);
        Assert.Contains("Latch:Store:KeyPrefix", result.FailureMessage, StringComparison.Ordinal);
    }

    private static LatchStoreOptionsValidator Validator(string? connectionString = null, string? hashKey = null)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Redis"] = connectionString })
            .Build();
        return new LatchStoreOptionsValidator(configuration, Options.Create(new LatchCodeOptions { HashKey = hashKey }));
    }
}
