using Microsoft.Extensions.Options;

namespace LatchGateway.Admin;

internal sealed class LatchAdminOptionsValidator : IValidateOptions<LatchAdminOptions>
{
    public ValidateOptionsResult Validate(string? name, LatchAdminOptions options)
    {
        var failures = new List<string>();
        foreach (var (keyName, key) in options.ApiKeys)
        {
            var prefix = $"{LatchAdminOptions.SectionName}:ApiKeys:{keyName}";
            if (key.Sha256.Length != 64 || !IsHex(key.Sha256))
            {
                failures.Add($"{prefix}:Sha256 must be the 64 hex characters of a SHA-256 digest.");
            }

            foreach (var scope in key.Scopes)
            {
                if (!AdminScopes.All.Contains(scope, StringComparer.Ordinal))
                {
                    failures.Add($"{prefix}:Scopes has an unknown scope '{scope}'; known scopes: {string.Join(", ", AdminScopes.All)}.");
                }
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsHex(string value)
    {
        foreach (var c in value)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
