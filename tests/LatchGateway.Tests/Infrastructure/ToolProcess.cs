using System.ComponentModel;
using System.Diagnostics;

namespace LatchGateway.Tests.Infrastructure;

/// <summary>
/// Runs a command-line tool the tests need (kubectl, node, npx, …) to its end within 2 minutes. A tool that is not
/// installed fails the test saying so: tests/run.sh installs every one of them.
/// </summary>
public static class ToolProcess
{
    public static async Task<(int ExitCode, string Output, string Errors)> RunAsync(
        string program,
        IEnumerable<string> arguments,
        string? workingDirectory = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? RepositoryRoot.Path,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start.");
        }
        catch (Win32Exception e)
        {
            Assert.Fail($"{program} was not found ({e.Message}). Run tests/run.sh, which installs what the tests need.");
            throw;
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{program} {string.Join(' ', start.ArgumentList)} did not finish within 2 minutes.");
            }

            return (process.ExitCode, await output, await errors);
        }
    }
}
