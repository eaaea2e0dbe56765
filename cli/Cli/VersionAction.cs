using System.CommandLine;
using System.CommandLine.Invocation;
using System.Reflection;

namespace Latchctl.Cli;

/// <summary>
/// <c>--version</c>: latchctl's own version (the package's), whichever process hosts it — System.CommandLine's
/// default reads the entry assembly's.
/// </summary>
internal sealed class VersionAction : SynchronousCommandLineAction
{
    public static string Version { get; } =
        typeof(VersionAction).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    public override bool ClearsParseErrors => true;

    public override int Invoke(ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        parseResult.InvocationConfiguration.Output.WriteLine(Version);
        return ExitCodes.Success;
    }
}
