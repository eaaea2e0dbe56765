using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using Latchctl.Cli;

namespace Latchctl;

/// <summary>
/// latchctl as a function: a command line, an environment and a console in, an exit code out. <see cref="Program"/>
/// runs it on the process's console; tests run it on captured writers.
/// </summary>
internal static class LatchctlApp
{
    public static async Task<int> RunAsync(
        IReadOnlyList<string> args,
        IReadOnlyDictionary<string, string?> environment,
        CliConsole console,
        LatchctlRuntime? runtime = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(console);

        var host = new CommandHost(environment, console, runtime ?? LatchctlRuntime.Default);
        var root = LatchctlCommand.Create(host);
        var parse = root.Parse(args);
        if (parse.Action is ParseErrorAction)
        {
            var path = WriteUsageErrors(console.Error, parse);
            if (parse.CommandResult.Command is { Action: null, Subcommands.Count: > 0 })
            {
                // A group without its subcommand (latchctl codes): what it offers, on stderr.
                await root.Parse([.. path, "--help"]).InvokeAsync(new InvocationConfiguration { Output = console.Error, Error = console.Error }, cancellationToken);
            }

            return ExitCodes.Usage;
        }

        var invocation = new InvocationConfiguration
        {
            Output = console.Out,
            Error = console.Error,
            EnableDefaultExceptionHandler = false,
            // Ctrl+C is the host's to handle: it cancels the token, and each command decides what that means.
            ProcessTerminationTimeout = null,
        };
        var exitCode = await parse.InvokeAsync(invocation, cancellationToken);
        await console.Out.FlushAsync(CancellationToken.None);
        return exitCode;
    }

    /// <summary>The parse errors, and where to find the command's usage: exit code 2.</summary>
    private static List<string> WriteUsageErrors(TextWriter error, ParseResult parse)
    {
        foreach (var problem in parse.Errors)
        {
            error.WriteLine($"Error: {problem.Message}");
        }

        var path = new List<string>();
        for (SymbolResult? result = parse.CommandResult; result is not null; result = result.Parent)
        {
            if (result is CommandResult { Command: var command } && command is not RootCommand)
            {
                path.Insert(0, command.Name);
            }
        }

        error.WriteLine($"See 'latchctl {string.Join(' ', [.. path, "--help"])}'.");
        return path;
    }
}
