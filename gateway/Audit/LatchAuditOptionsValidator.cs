using Microsoft.Extensions.Options;

namespace LatchGateway.Audit;

internal sealed class LatchAuditOptionsValidator : IValidateOptions<LatchAuditOptions>
{
    private static readonly TimeSpan ShortestAge = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan LongestAge = TimeSpan.FromDays(3650);

    public ValidateOptionsResult Validate(string? name, LatchAuditOptions options)
    {
        const string Section = LatchAuditOptions.SectionName;
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Path))
        {
            failures.Add($"{Section}:Path must name a file.");
        }

        if (options.MaxFileBytes < 4096)
        {
            failures.Add($"{Section}:MaxFileBytes must be at least 4096; it is {options.MaxFileBytes}.");
        }

        if (options.MaxFiles < 1)
        {
            failures.Add($"{Section}:MaxFiles must be at least 1; it is {options.MaxFiles}.");
        }

        if (options.StreamMaxLength < 1)
        {
            failures.Add($"{Section}:StreamMaxLength must be positive; it is {options.StreamMaxLength}.");
        }

        if (options.StreamMaxAge != TimeSpan.Zero && (options.StreamMaxAge < ShortestAge || options.StreamMaxAge > LongestAge))
        {
            failures.Add($"{Section}:StreamMaxAge must be 0 (no age limit) or between {ShortestAge} and {LongestAge.TotalDays} days; it is {options.StreamMaxAge}.");
        }

        if (options.QueueCapacity < 1)
        {
            failures.Add($"{Section}:QueueCapacity must be positive; it is {options.QueueCapacity}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
