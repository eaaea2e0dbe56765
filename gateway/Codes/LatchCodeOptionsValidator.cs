using Microsoft.Extensions.Options;

namespace LatchGateway.Codes;

internal sealed class LatchCodeOptionsValidator : IValidateOptions<LatchCodeOptions>
{
    private static readonly TimeSpan LongestMaxTtl = TimeSpan.FromHours(1);

    public ValidateOptionsResult Validate(string? name, LatchCodeOptions options)
    {
        var failures = new List<string>();
        const string Section = LatchCodeOptions.SectionName;

        if (options.Length is < LatchCodeOptions.MinimumLength or > LatchCodeOptions.MaximumLength)
        {
            failures.Add($"{Section}:Length must be between {LatchCodeOptions.MinimumLength} and {LatchCodeOptions.MaximumLength}; it is {options.Length}.");
        }

        if (options.DefaultTtl <= TimeSpan.Zero)
        {
            failures.Add($"{Section}:DefaultTtl must be positive; it is {options.DefaultTtl}.");
        }

        if (options.MaxTtl < options.DefaultTtl)
        {
            failures.Add($"{Section}:MaxTtl ({options.MaxTtl}) must not be below {Section}:DefaultTtl ({options.DefaultTtl}).");
        }

        if (options.MaxTtl > LongestMaxTtl)
        {
            failures.Add($"{Section}:MaxTtl must not exceed {LongestMaxTtl}; it is {options.MaxTtl}.");
        }

        if (!string.IsNullOrWhiteSpace(options.HashKey))
        {
            var buffer = new byte[options.HashKey.Length];
            if (!Convert.TryFromBase64String(options.HashKey, buffer, out var bytes))
            {
                failures.Add($"{Section}:HashKey is not valid base64.");
            }
            else if (bytes < LatchCodeOptions.MinimumHashKeyBytes)
            {
                failures.Add($"{Section}:HashKey must decode to at least {LatchCodeOptions.MinimumHashKeyBytes} bytes; it decodes to {bytes}.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
