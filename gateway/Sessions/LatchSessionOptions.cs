using Microsoft.Extensions.Options;

namespace LatchGateway.Sessions;

/// <summary>Settings under <c>Latch:Sessions</c>.</summary>
public sealed record LatchSessionOptions
{
    public const string SectionName = "Latch:Sessions";

    /// <summary>How long a session lasts when its route names no <c>SessionLifetime</c>.</summary>
    public TimeSpan DefaultLifetime { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>The longest session any route may give.</summary>
    public TimeSpan MaxLifetime { get; init; } = TimeSpan.FromHours(12);
}

internal sealed class LatchSessionOptionsValidator : IValidateOptions<LatchSessionOptions>
{
    private static readonly TimeSpan Longest = TimeSpan.FromDays(1);

    public ValidateOptionsResult Validate(string? name, LatchSessionOptions options)
    {
        const string Section = LatchSessionOptions.SectionName;
        var failures = new List<string>();
        if (options.MaxLifetime <= TimeSpan.Zero || options.MaxLifetime > Longest)
        {
            failures.Add($"{Section}:MaxLifetime must be positive and at most {Longest}; it is {options.MaxLifetime}.");
        }

        if (options.DefaultLifetime <= TimeSpan.Zero || options.DefaultLifetime > options.MaxLifetime)
        {
            failures.Add($"{Section}:DefaultLifetime must be positive and at most {Section}:MaxLifetime ({options.MaxLifetime}); it is {options.DefaultLifetime}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
