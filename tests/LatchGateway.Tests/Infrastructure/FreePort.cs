using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace LatchGateway.Tests.Infrastructure;

/// <summary>
/// Loopback ports for test listeners (gateways, backends, Redis servers). They are handed out from below the
/// kernel's ephemeral range: a port the OS picked for a listener and released can be taken a moment later as the
/// local port of an outgoing connection (the suite opens thousands), and the listener's bind then fails with
/// "address already in use". Ports are never handed out twice in one run, and each is checked to be free; a Redis
/// cluster node's bus port (port + 10000) stays below the ephemeral range too.
/// </summary>
internal static class FreePort
{
    private const int First = 12000;
    private const int BusOffset = 10000;

    private static readonly int Last = LastBelowEphemeralRange();
    private static int _next = First + Random.Shared.Next(Math.Max(1, Last - First));

    /// <summary>A free loopback TCP port (with <c>port + 10000</c> below the ephemeral range too).</summary>
    public static int Next()
    {
        for (var attempt = 0; attempt <= Last - First; attempt++)
        {
            var port = First + ((Interlocked.Increment(ref _next) - First) % (Last - First + 1));
            if (IsFree(port))
            {
                return port;
            }
        }

        throw new InvalidOperationException($"no free loopback port in {First}-{Last}");
    }

    public static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int LastBelowEphemeralRange()
    {
        var ephemeralLow = 32768;
        try
        {
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range")
                .Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            ephemeralLow = int.Parse(range[0], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            // Not Linux, or unreadable: assume the usual 32768.
        }

        var last = ephemeralLow - BusOffset - 1;
        return last > First + 1000 ? last : First + 1000;
    }
}
