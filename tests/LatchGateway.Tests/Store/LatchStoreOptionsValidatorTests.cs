using LatchGateway.Store;

namespace LatchGateway.Tests.Store;

public sealed class LatchStoreOptionsValidatorTests
{
    private static readonly LatchStoreOptionsValidator Validator = new();

    [Fact]
    public void Defaults_are_valid_memory_store_with_a_positive_sweep_interval()
    {
        var options = new LatchStoreOptions();

        Assert.True(Validator.Validate(null, options).Succeeded);
        Assert.Equal(LatchStoreProvider.Memory, options.Provider);
        Assert.True(options.SweepInterval > TimeSpan.Zero);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void A_sweep_interval_that_is_not_positive_fails_naming_the_key(int seconds)
    {
        var result = Validator.Validate(null, new LatchStoreOptions { SweepInterval = TimeSpan.FromSeconds(seconds) });

        Assert.True(result.Failed);
        Assert.Contains("Latch:Store:SweepInterval", result.FailureMessage, StringComparison.Ordinal);
    }
}
