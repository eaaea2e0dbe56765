using System.Collections;
using System.Runtime.InteropServices;
using Latchctl.Cli;

namespace Latchctl;

/// <summary>The <c>latchctl</c> executable: <see cref="LatchctlApp"/> on the process's console and environment.</summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        using var interrupted = new CancellationTokenSource();

        // The first Ctrl+C (or SIGTERM) asks the running command to stop (audit --follow then exits 0); a second one
        // ends the process at once.
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = !interrupted.IsCancellationRequested;
            interrupted.Cancel();
        };
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            interrupted.Cancel();
        });

        var environment = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (DictionaryEntry variable in Environment.GetEnvironmentVariables())
        {
            environment[(string)variable.Key] = (string?)variable.Value;
        }

        return await LatchctlApp.RunAsync(args, environment, CliConsole.FromSystem(environment), LatchctlRuntime.Default, interrupted.Token);
    }
}
