using Microsoft.Extensions.Options;

namespace LatchGateway.Identity;

internal sealed class LatchIdentityOptionsValidator : IValidateOptions<LatchIdentityOptions>
{
    public ValidateOptionsResult Validate(string? name, LatchIdentityOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.UserClaim))
        {
            failures.Add($"{LatchIdentityOptions.SectionName}:UserClaim must name a claim.");
        }

        if (string.IsNullOrWhiteSpace(options.GroupsClaim))
        {
            failures.Add($"{LatchIdentityOptions.SectionName}:GroupsClaim must name a claim.");
        }

        if (string.IsNullOrWhiteSpace(options.EmailClaim))
        {
            failures.Add($"{LatchIdentityOptions.SectionName}:EmailClaim must name a claim.");
        }

        if (options.Header is { } header && (header.Length == 0 || !header.All(c => char.IsAsciiLetterOrDigit(c) || c == '-' || c == '_')))
        {
            failures.Add($"{LatchIdentityOptions.SectionName}:Header must be a header name (letters, digits, '-').");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
