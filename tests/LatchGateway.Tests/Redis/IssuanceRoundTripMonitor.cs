using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using LatchGateway.Tests.Infrastructure;
using StackExchange.Redis;

namespace LatchGateway.Tests.Redis;

/// <summary>
/// What one Redis node is asked, as <c>redis-cli monitor</c> shows it: each command a client sends (a round trip,
/// or part of a pipelined one) and each command a script runs on its behalf. Recording stops at a marker command, so
/// it holds exactly what was sent before it.
/// </summary>
internal sealed partial class IssuanceRoundTripMonitor : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _reader;

    private IssuanceRoundTripMonitor(Process process)
    {
        _process = process;
        _reader = Task.Run(async () =>
        {
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                if (line == "OK")
                {
                    _started.TrySetResult();
                }
                else
                {
                    _lines.Enqueue(line);
                }
            }
        });
    }

    /// <summary>One monitored command: who sent it (a client's address, or "lua" for a script), its name (lower case) and arguments.</summary>
    public sealed record Command(string Source, string Name, IReadOnlyList<string> Arguments)
    {
        public bool FromScript => Source == "lua";
    }

    public static async Task<IssuanceRoundTripMonitor> StartAsync(int port)
    {
        var start = new ProcessStartInfo("redis-cli") { RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add("-p");
        start.ArgumentList.Add(port.ToString(CultureInfo.InvariantCulture));
        start.ArgumentList.Add("monitor");
        var monitor = new IssuanceRoundTripMonitor(Process.Start(start)!);
        await monitor._started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        return monitor;
    }

    /// <summary>Sends a marker through <paramref name="client"/> and returns every command monitored before it.</summary>
    public async Task<List<Command>> StopAsync(IDatabase client)
    {
        var marker = $"monitor-end-{Guid.NewGuid():N}";
        await client.ExecuteAsync("ECHO", marker);
        await RedisServer.WaitUntilAsync(() => _lines.Any(l => l.Contains(marker, StringComparison.Ordinal)), "the monitor never saw its marker", 10_000);
        var commands = new List<Command>();
        foreach (var line in _lines)
        {
            if (line.Contains(marker, StringComparison.Ordinal))
            {
                break;
            }

            var match = Line().Match(line);
            Assert.True(match.Success, $"not a monitor line: {line}");
            var words = Word().Matches(match.Groups["args"].Value).Select(m => Regex.Unescape(m.Groups[1].Value)).ToList();
            commands.Add(new Command(match.Groups["source"].Value, words[0].ToLowerInvariant(), words[1..]));
        }

        return commands;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        await _process.WaitForExitAsync();
        await _reader;
        _process.Dispose();
    }

    // 1700000000.123456 [0 127.0.0.1:54321] "evalsha" "…" — or [0 lua] for a command a script ran.
    [GeneratedRegex("""^\d+\.\d+ \[\d+ (?<source>[^\]]+)\] (?<args>.*)$""")]
    private static partial Regex Line();

    [GeneratedRegex(@"""((?:[^""\\]|\\.)*)""")]
    private static partial Regex Word();
}
