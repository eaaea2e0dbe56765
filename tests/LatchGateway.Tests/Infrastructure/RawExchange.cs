using System.Net.Sockets;
using System.Text;

namespace LatchGateway.Tests.Infrastructure;

/// <summary>
/// Sends bytes exactly as given and reads the answer until the server closes. A server that refuses an oversized
/// request may close while the rest of it is still unread, which resets the connection: whatever arrived before
/// the reset is the answer.
/// </summary>
public static class RawExchange
{
    public static async Task<string> SendAsync(Uri server, string head, byte[]? body = null)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port);
        var stream = client.GetStream();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head), timeout.Token);
            if (body is not null)
            {
                await stream.WriteAsync(body, timeout.Token);
            }
        }
        catch (IOException)
        {
            // The server answered and closed before taking everything; read what it said.
        }

        var received = new MemoryStream();
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, timeout.Token)) > 0)
            {
                received.Write(buffer, 0, read);
            }
        }
        catch (IOException) when (received.Length > 0)
        {
        }

        return Encoding.UTF8.GetString(received.ToArray());
    }

    /// <summary>A request head: request line, <c>Host</c>, <c>Connection: close</c>, the given lines, blank line.</summary>
    public static string Head(Uri server, string method, string target, params string[] headerLines)
    {
        var head = new StringBuilder()
            .Append(method).Append(' ').Append(target).Append(" HTTP/1.1\r\n")
            .Append("Host: ").Append(server.Authority).Append("\r\n")
            .Append("Connection: close\r\n");
        foreach (var line in headerLines)
        {
            head.Append(line).Append("\r\n");
        }

        return head.Append("\r\n").ToString();
    }
}
