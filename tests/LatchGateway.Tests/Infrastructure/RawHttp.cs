using System.Net.Sockets;
using System.Text;

namespace LatchGateway.Tests.Infrastructure;

/// <summary>
/// Sends an HTTP/1.1 request exactly as written (HttpClient canonicalises URLs, e.g. turns <c>%6C</c> into <c>l</c>),
/// the way curl or a hand-written client would send it.
/// </summary>
public static class RawHttp
{
    /// <summary>Sends <c>GET {requestTarget}</c> to <paramref name="server"/> and returns the whole response text.</summary>
    public static async Task<string> GetAsync(Uri server, string requestTarget, params string[] headerLines)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port);
        var stream = client.GetStream();
        var request = new StringBuilder()
            .Append("GET ").Append(requestTarget).Append(" HTTP/1.1\r\n")
            .Append("Host: ").Append(server.Authority).Append("\r\n")
            .Append("Connection: close\r\n");
        foreach (var line in headerLines)
        {
            request.Append(line).Append("\r\n");
        }

        request.Append("\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request.ToString()));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return await reader.ReadToEndAsync();
    }

    /// <summary>The status code of a raw response text.</summary>
    public static int StatusOf(string response) =>
        int.Parse(response.Split(' ', 3)[1], System.Globalization.CultureInfo.InvariantCulture);
}
