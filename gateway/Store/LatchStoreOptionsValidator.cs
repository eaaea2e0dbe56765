using Microsoft.Extensions.Options;

namespace LatchGateway.Store;

internal sealed class LatchStoreOptionsValidator : IValidateOptions<LatchStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, LatchStoreOptions options)
    {
        var failures = new List<string>();
        if (options.Provider != LatchStoreProvider.Memory)
        {
            failures.Add($"{LatchStoreOptions.SectionName}:Provider '{options.Provider}' is not available in this build; use 'Memory'.");
        }

        if (options.SweepInterval <= TimeSpan.Zero)
        {
            failures.Add($"{LatchStoreOptions.SectionName}:SweepInterval must be positive; it is {options.SweepInterval}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
