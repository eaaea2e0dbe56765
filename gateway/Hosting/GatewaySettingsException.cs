namespace LatchGateway.Hosting;

/// <summary>
/// The gateway cannot start: its settings hold the <see cref="Failures"/>, each naming its configuration key. The
/// message lists them all, one per line, as the process prints it.
/// </summary>
public sealed class GatewaySettingsException : Exception
{
    public GatewaySettingsException()
        : this([])
    {
    }

    public GatewaySettingsException(string message)
        : this([message])
    {
    }

    public GatewaySettingsException(string message, Exception innerException)
        : base(message, innerException)
    {
        Failures = [message];
    }

    public GatewaySettingsException(IReadOnlyList<string> failures)
        : base(Describe(failures))
    {
        Failures = failures;
    }

    public IReadOnlyList<string> Failures { get; }

    private static string Describe(IReadOnlyList<string> failures)
    {
        ArgumentNullException.ThrowIfNull(failures);
        var count = failures.Count == 1 ? "1 setting is" : $"{failures.Count} settings are";
        return $"LatchGateway cannot start: {count} invalid:" + string.Concat(failures.Select(static f => "\n  - " + f));
    }
}
