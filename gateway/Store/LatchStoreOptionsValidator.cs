using LatchGateway.Codes;
using LatchGateway.Store.Redis;
using Microsoft.Extensions.Options;

namespace LatchGateway.Store;

/// <summary>
/// The store settings, and what the Redis store needs from elsewhere: a connection string, and a configured
/// hash key so that every replica computes the same digests.
/// </summary>
internal sealed class LatchStoreOptionsValidator(IConfiguration configuration, IOptions<LatchCodeOptions> codeOptions)
    : IValidateOptions<LatchStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, LatchStoreOptions options)
    {
        var failures = new List<string>();
        const string Section = LatchStoreOptions.SectionName;
        if (!Enum.IsDefined(options.Provider))
        {
            failures.Add($"{Section}:Provider must be 'Memory' or 'Redis'.");
        }

        if (options.SweepInterval <= TimeSpan.Zero)
        {
            failures.Add($"{Section}:SweepInterval must be positive; it is {options.SweepInterval}.");
        }

        if (string.IsNullOrWhiteSpace(options.KeyPrefix) || options.KeyPrefix.AsSpan().IndexOfAny('{', '}') >= 0)
        {
            failures.Add($"{Section}:KeyPrefix must be non-empty and must not contain '{{' or '}}'.");
        }

        if (options.Provider == LatchStoreProvider.Redis)
        {
            var connectionString = configuration.GetConnectionString("Redis");
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                failures.Add($"ConnectionStrings:Redis is required when {Section}:Provider is 'Redis'.");
            }
            else
            {
                failures.AddRange(RedisTls.Failures(connectionString, options.Redis));
            }

            if (string.IsNullOrWhiteSpace(HashKey()))
            {
                failures.Add($"{LatchCodeOptions.SectionName}:HashKey is required when {Section}:Provider is 'Redis', so that every replica computes the same digests.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    // Invalid code settings are reported by their own validator; here only whether a hash key is configured matters.
    private string? HashKey()
    {
        try
        {
            return codeOptions.Value.HashKey;
        }
        catch (OptionsValidationException)
        {
            return configuration[$"{LatchCodeOptions.SectionName}:{nameof(LatchCodeOptions.HashKey)}"];
        }
    }
}
