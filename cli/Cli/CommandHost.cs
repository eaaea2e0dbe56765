using System.CommandLine;
using Latchctl.Api;
using Latchctl.Output;

namespace Latchctl.Cli;

/// <summary>
/// Gives each command its action: settings resolved, an API client and an output made for the run, and every
/// outcome mapped to the contract's exit codes — 0 done, 1 the API refused (its problem on stderr), 2 bad usage,
/// 3 the gateway unreachable.
/// </summary>
internal sealed class CommandHost(IReadOnlyDictionary<string, string?> environment, CliConsole console, LatchctlRuntime runtime)
{
    public GlobalOptions Options { get; } = new();

    public CliConsole Console => console;

    public void SetAction(Command command, Caller caller, Func<Invocation, CancellationToken, Task<int>> run)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(run);
        command.SetAction((parse, cancellationToken) => RunAsync(parse, caller, run, cancellationToken));
    }

    private async Task<int> RunAsync(ParseResult parse, Caller caller, Func<Invocation, CancellationToken, Task<int>> run, CancellationToken cancellationToken)
    {
        ConnectionSettings settings;
        try
        {
            settings = ConnectionSettings.Resolve(parse, Options, environment);
        }
        catch (UsageException exception)
        {
            console.Error.WriteLine($"Error: {exception.Message}");
            return ExitCodes.Usage;
        }

        var output = new CommandOutput(console, OutputFormats.Choose(parse.GetValue(Options.Output), console), runtime.Time);
        using var invocation = new Invocation(parse, new LatchApiClient(settings.AdminUrl, settings.Credentials, settings.Timeout), output, runtime);
        try
        {
            return await run(invocation, cancellationToken);
        }
        catch (UsageException exception)
        {
            console.Error.WriteLine($"Error: {exception.Message}");
            return ExitCodes.Usage;
        }
        catch (ApiRefusedException refusal)
        {
            ProblemWriter.Write(console.Error, refusal, settings.Credentials, caller);
            return ExitCodes.Refused;
        }
        catch (GatewayUnreachableException unreachable)
        {
            console.Error.WriteLine($"Error: {unreachable.Message}");
            return ExitCodes.Unreachable;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            console.Error.WriteLine("Interrupted.");
            return ExitCodes.Interrupted;
        }
        finally
        {
            await console.Out.FlushAsync(CancellationToken.None);
        }
    }
}
