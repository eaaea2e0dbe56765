using System.Diagnostics;

namespace LatchGateway.Tests.Cli;

/// <summary>
/// The built latchctl as a real process: <c>dotnet latchctl.dll</c> from the test's output folder (the test
/// project references cli/, which copies it there), alone or inside a bash command line.
/// </summary>
internal static class CliProcess
{
    public static string Dll { get; } = Path.Combine(AppContext.BaseDirectory, "latchctl.dll");

    public static string Dotnet { get; } =
        Environment.ProcessPath is { } host && Path.GetFileNameWithoutExtension(host) == "dotnet" ? host : "dotnet";

    /// <summary><c>dotnet latchctl.dll args…</c> with <paramref name="environment"/> (and no <c>LATCH_*</c> of the test process).</summary>
    public static Task<CliResult> RunAsync(IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        var start = StartInfo(Dotnet, environment);
        start.ArgumentList.Add(Dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return RunAsync(start);
    }

    /// <summary>
    /// <c>bash -c script</c>, where <c>$LATCHCTL</c> runs the built latchctl (a function wrapping <c>dotnet latchctl.dll</c>).
    /// </summary>
    public static Task<CliResult> BashAsync(string script, IReadOnlyDictionary<string, string?> environment)
    {
        var start = StartInfo("bash", environment);
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        return RunAsync(start);
    }

    /// <summary>Starts latchctl and leaves it running; the caller reads its output and ends it.</summary>
    public static Process Start(IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        var start = StartInfo(Dotnet, environment);
        start.ArgumentList.Add(Dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return Process.Start(start)!;
    }

    /// <summary>Sends SIGINT, as Ctrl+C in a terminal does.</summary>
    public static void Interrupt(Process process)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) } })!;
        kill.WaitForExit();
    }

    private static ProcessStartInfo StartInfo(string fileName, IReadOnlyDictionary<string, string?> environment)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("LATCH_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        start.Environment["LATCHCTL"] = $"{Dotnet} {Dll}";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        return start;
    }

    private static async Task<CliResult> RunAsync(ProcessStartInfo start)
    {
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{start.FileName} {string.Join(' ', start.ArgumentList)} did not end within 60 s");
        }

        return new CliResult(process.ExitCode, await stdout, await stderr);
    }
}
