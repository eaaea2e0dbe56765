using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LatchGateway.Configuration;

/// <summary>
/// One settings section that can say, before the host starts, everything that is wrong with it. The host runs
/// every check and reports all failures at once, rather than stopping at the first section that throws.
/// </summary>
public interface ISettingsCheck
{
    /// <summary>Each problem found, as a sentence that names its configuration key; empty when all is well.</summary>
    IReadOnlyList<string> Failures(IServiceProvider services);
}

/// <summary>
/// Binds and validates <typeparamref name="TOptions"/> the way the options system will: a value the binder cannot
/// convert (<c>MaxFailures=abc</c>) and every message of the section's validators are failures.
/// </summary>
internal sealed class OptionsSettingsCheck<TOptions> : ISettingsCheck
    where TOptions : class
{
    public IReadOnlyList<string> Failures(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        try
        {
            _ = services.GetRequiredService<IOptionsFactory<TOptions>>().Create(Options.DefaultName);
            return [];
        }
        catch (OptionsValidationException exception)
        {
            return [.. exception.Failures];
        }
        catch (InvalidOperationException exception)
        {
            // The configuration binder: "Failed to convert configuration value at 'Latch:Lockout:MaxFailures' to
            // type 'System.Int32'." names the key and never the value.
            return [exception.Message];
        }
    }
}
