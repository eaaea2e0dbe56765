using System.Diagnostics;

namespace LatchGateway.Tests.Hosting;

/// <summary>
/// The built gateway run as an operator runs it, <c>dotnet LatchGateway.dll …</c> in the Production environment,
/// with arguments and environment variables; waits for it to exit and keeps what it printed.
/// </summary>
internal sealed record StartupProcess(int ExitCode, string StandardOutput, string StandardError, TimeSpan Elapsed)
{
    public static async Task<StartupProcess> RunAsync(
        IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string>? environment = null,
        string? workingDirectory = null,
        TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory ?? AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "LatchGateway.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Assert.Fail($"the gateway process was still running after {(timeout ?? TimeSpan.FromSeconds(30)).TotalSeconds} s:\n{await stdout}\n{await stderr}");
        }

        return new StartupProcess(process.ExitCode, await stdout, await stderr, clock.Elapsed);
    }

    public override string ToString() =>
        $"exit {ExitCode} after {Elapsed.TotalMilliseconds:0} ms\n--- stdout\n{StandardOutput}\n--- stderr\n{StandardError}";
}
