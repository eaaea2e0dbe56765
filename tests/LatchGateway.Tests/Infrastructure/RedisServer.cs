using System.Diagnostics;
using System.Net.Sockets;

namespace LatchGateway.Tests.Infrastructure;

/// <summary>
/// A real <c>redis-server</c> on a free loopback port, started for the tests and killed after them. It can be
/// stopped, paused (SIGSTOP, a stalled Redis) and started again on the same port. A missing <c>redis-server</c>
/// fails the tests: they never skip silently.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly string _directory;
    private readonly string[] _extraArguments;
    private Process? _process;

    private RedisServer(int port, string directory, string[] extraArguments)
    {
        Port = port;
        _directory = directory;
        _extraArguments = extraArguments;
    }

    public int Port { get; }

    public string Endpoint => $"127.0.0.1:{Port}";

    public static async Task<RedisServer> StartAsync(int? port = null, params string[] extraArguments)
    {
        var server = new RedisServer(
            port ?? FreePort.Next(),
            Directory.CreateTempSubdirectory("latch-redis-").FullName,
            extraArguments);
        await server.StartAsync();
        return server;
    }

    public async Task StartAsync()
    {
        var arguments = new List<string>
        {
            "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--bind", "127.0.0.1",
            "--save", "",
            "--appendonly", "no",
            "--dir", _directory,
        };
        arguments.AddRange(_extraArguments);
        var start = new ProcessStartInfo("redis-server")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            _process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start.");
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            throw new InvalidOperationException("redis-server is not installed; run the tests with `bash tests/run.sh`, which installs it.", exception);
        }

        _process.OutputDataReceived += static (_, _) => { };
        _process.ErrorDataReceived += static (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await WaitUntilAsync(() => Accepts(Port), $"redis-server on port {Port} did not start");
    }

    /// <summary>Kills the server (no shutdown save) and waits until the port is closed.</summary>
    public async Task StopAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        _process?.Dispose();
        _process = null;
        await WaitUntilAsync(() => !Accepts(Port), $"redis-server on port {Port} did not stop");
    }

    /// <summary>SIGSTOP: the server keeps its connections open but answers nothing, like a stalled Redis.</summary>
    public void Pause() => Signal("STOP");

    public void Resume() => Signal("CONT");

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            Resume();
        }

        await StopAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    internal static async Task WaitUntilAsync(Func<bool> condition, string failure, int timeoutMs = 10_000)
    {
        var deadline = Environment.TickCount64 + timeoutMs;
        while (!condition())
        {
            if (Environment.TickCount64 > deadline)
            {
                throw new TimeoutException(failure);
            }

            await Task.Delay(50);
        }
    }

    private static bool Accepts(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect("127.0.0.1", port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private void Signal(string signal)
    {
        if (_process is null)
        {
            return;
        }

        using var kill = Process.Start("kill", $"-{signal} {_process.Id}");
        kill.WaitForExit();
    }
}
