using System.Diagnostics;
using System.Globalization;

namespace LatchGateway.Tests.Infrastructure;

/// <summary>
/// <c>redis-cli</c> against one node, for what a test asks of that node alone. A StackExchange.Redis client would
/// learn the rest of a Cluster from it and connect to every node it names — through the relays, when the nodes
/// announce relays' ports.
/// </summary>
public static class RedisCli
{
    /// <summary>Runs one command on the node listening on <paramref name="port"/>; its standard output.</summary>
    public static string Run(int port, params string[] command)
    {
        var start = new ProcessStartInfo("redis-cli") { RedirectStandardOutput = true };
        start.ArgumentList.Add("-p");
        start.ArgumentList.Add(port.ToString(CultureInfo.InvariantCulture));
        foreach (var argument in command)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return output;
    }
}
