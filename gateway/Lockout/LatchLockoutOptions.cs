using Microsoft.Extensions.Options;

namespace LatchGateway.Lockout;

/// <summary>Settings under <c>Latch:Lockout</c>.</summary>
public sealed record LatchLockoutOptions
{
    public const string SectionName = "Latch:Lockout";

    /// <summary>Refused presentations (or failed API keys) within <see cref="Window"/> that lock a client out.</summary>
    public int MaxFailures { get; init; } = 5;

    /// <summary>The span over which failures are counted.</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a lockout lasts.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(300);

    /// <summary>Leading bits of an IPv4 client address that identify the client (32: each address on its own).</summary>
    public int IPv4Prefix { get; init; } = 32;

    /// <summary>Leading bits of an IPv6 client address that identify the client (64: one subnet, as one host usually holds).</summary>
    public int IPv6Prefix { get; init; } = 64;
}

internal sealed class LatchLockoutOptionsValidator : IValidateOptions<LatchLockoutOptions>
{
    private static readonly TimeSpan Longest = TimeSpan.FromDays(1);

    public ValidateOptionsResult Validate(string? name, LatchLockoutOptions options)
    {
        const string Section = LatchLockoutOptions.SectionName;
        var failures = new List<string>();
        if (options.MaxFailures < 1)
        {
            failures.Add($"{Section}:MaxFailures must be at least 1; it is {options.MaxFailures}.");
        }

        if (options.Window <= TimeSpan.Zero || options.Window > Longest)
        {
            failures.Add($"{Section}:Window must be positive and at most {Longest}; it is {options.Window}.");
        }

        if (options.Duration <= TimeSpan.Zero || options.Duration > Longest)
        {
            failures.Add($"{Section}:Duration must be positive and at most {Longest}; it is {options.Duration}.");
        }

        if (options.IPv4Prefix is < 8 or > 32)
        {
            failures.Add($"{Section}:IPv4Prefix must be between 8 and 32; it is {options.IPv4Prefix}.");
        }

        if (options.IPv6Prefix is < 16 or > 128)
        {
            failures.Add($"{Section}:IPv6Prefix must be between 16 and 128; it is {options.IPv6Prefix}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
