using LatchGateway.Admin;

namespace LatchGateway.Tests.Admin;

public sealed class LatchAdminOptionsValidatorTests
{
    private const string GoodHash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    private static readonly LatchAdminOptionsValidator Validator = new();

    [Fact]
    public void No_keys_is_valid()
    {
        Assert.True(Validator.Validate(null, new LatchAdminOptions()).Succeeded);
    }

    [Fact]
    public void A_well_formed_key_with_every_scope_is_valid()
    {
        var result = Validator.Validate(null, With("ops", GoodHash, [.. AdminScopes.All]));

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void The_scopes_are_those_of_the_contract()
    {
        Assert.Equal(["codes:issue", "codes:read", "codes:revoke", "audit:read", "access:read", "notifications:test"], AdminScopes.All);
    }

    [Theory]
    [InlineData("")]
    [InlineData("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a0")] // 63
    [InlineData("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08a")] // 65
    [InlineData("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a0g")] // not hex
    [InlineData("my-clear-text-api-key")]
    public void A_hash_that_is_not_64_hex_characters_fails_naming_the_key(string hash)
    {
        var result = Validator.Validate(null, With("ops", hash, [AdminScopes.CodesRead]));

        Assert.True(result.Failed);
        Assert.Contains("Latch:Admin:ApiKeys:ops:Sha256", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("codes:write")]
    [InlineData("Codes:Issue")]
    [InlineData("")]
    [InlineData("*")]
    public void An_unknown_scope_fails_naming_the_key_and_the_scope(string scope)
    {
        var result = Validator.Validate(null, With("deploy-bot", GoodHash, [AdminScopes.CodesIssue, scope]));

        Assert.True(result.Failed);
        Assert.Contains("Latch:Admin:ApiKeys:deploy-bot:Scopes", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains($"'{scope}'", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Reports_the_faults_of_every_key()
    {
        var options = new LatchAdminOptions();
        options.ApiKeys["a"] = new ApiKeyOptions { Sha256 = "x", Scopes = [AdminScopes.CodesRead] };
        options.ApiKeys["b"] = new ApiKeyOptions { Sha256 = GoodHash, Scopes = ["nope"] };

        var result = Validator.Validate(null, options);

        Assert.Contains("ApiKeys:a:Sha256", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("ApiKeys:b:Scopes", result.FailureMessage, StringComparison.Ordinal);
    }

    private static LatchAdminOptions With(string name, string hash, string[] scopes)
    {
        var options = new LatchAdminOptions();
        options.ApiKeys[name] = new ApiKeyOptions { Sha256 = hash, Scopes = scopes };
        return options;
    }
}
