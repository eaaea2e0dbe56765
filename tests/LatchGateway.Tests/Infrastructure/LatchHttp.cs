using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;

namespace LatchGateway.Tests.Infrastructure;

/// <summary>Small helpers for end-to-end tests: unique paths, presenting codes, reading problem bodies.</summary>
public static class LatchHttp
{
    public const string CrockfordAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    /// <summary>A path under <paramref name="prefix"/> no other test uses, so backend records can be told apart.</summary>
    public static string UniquePath(string prefix = "/orders/admin/") => $"{prefix}{Guid.NewGuid():N}";

    /// <summary>A syntactically valid code that was never issued (50 random bits).</summary>
    public static string RandomCode()
    {
        var symbols = System.Security.Cryptography.RandomNumberGenerator.GetItems<char>(CrockfordAlphabet, 10);
        return $"{new string(symbols, 0, 5)}-{new string(symbols, 5, 5)}";
    }

    /// <summary>The code without separators, as the gateway normalises it.</summary>
    public static string Normalised(string code) => code.Replace("-", "", StringComparison.Ordinal).ToUpperInvariant();

    /// <summary>GET <paramref name="pathAndQuery"/>, with the code in <c>X-Latch-Code</c> when given.</summary>
    public static async Task<HttpResponseMessage> GetWithCodeAsync(this HttpClient client, string pathAndQuery, string? code, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery.TrimStart('/'));
        if (code is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Latch-Code", code);
        }

        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await client.SendAsync(request);
    }

    /// <summary>Asserts the status and an RFC 9457 body, and returns the parsed body.</summary>
    public static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(body);
        return document.RootElement.Clone();
    }

    public static bool IsNoStore(HttpResponseMessage response) => response.Headers.CacheControl?.NoStore == true;

    /// <summary>
    /// An HTTP client whose connections leave from <paramref name="sourceAddress"/> (any 127.x.y.z works on Linux
    /// loopback), so the gateway sees that client IP on the socket. Unless <paramref name="browserLike"/>, it follows
    /// no redirect and keeps no cookie, so a test sees each answer as sent.
    /// </summary>
    public static HttpClient CreateClientFrom(Uri baseAddress, IPAddress sourceAddress, int maxConnections = 10, bool browserLike = true)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = maxConnections,
            AllowAutoRedirect = browserLike,
            UseCookies = browserLike,
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(sourceAddress.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(sourceAddress, 0));
                    await socket.ConnectAsync(IPAddress.Parse(context.DnsEndPoint.Host), context.DnsEndPoint.Port, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { BaseAddress = baseAddress };
    }

    /// <summary>Status line, headers and body of a response as one text, to search it for secrets.</summary>
    public static async Task<string> DescribeAsync(HttpResponseMessage response)
    {
        var text = new System.Text.StringBuilder();
        text.Append((int)response.StatusCode).Append('\n');
        AppendHeaders(text, response.Headers);
        AppendHeaders(text, response.Content.Headers);
        text.Append(await response.Content.ReadAsStringAsync());
        return text.ToString();
    }

    private static void AppendHeaders(System.Text.StringBuilder text, HttpHeaders headers)
    {
        foreach (var header in headers.NonValidated)
        {
            text.Append(header.Key).Append(": ").Append(string.Join(", ", header.Value)).Append('\n');
        }
    }

    /// <summary>Retries <paramref name="attempt"/> every 50 ms until it returns true or <paramref name="timeout"/> passes.</summary>
    public static async Task<bool> EventuallyAsync(Func<Task<bool>> attempt, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (await attempt())
            {
                return true;
            }

            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(50);
        }
    }
}
