using System.Text.Json;

namespace LatchGateway.Tests.Infrastructure;

/// <summary>A raw HTTP/1.1 response text (as <see cref="RawExchange"/> returns it) split into status, headers and body.</summary>
public sealed record RawResponse(int Status, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public static RawResponse Parse(string response)
    {
        var split = response.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var head = split < 0 ? response : response[..split];
        var body = split < 0 ? "" : response[(split + 4)..];
        var lines = head.Split("\r\n");
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
            }
        }

        return new RawResponse(RawHttp.StatusOf(lines[0]), headers, body);
    }

    public string? this[string header] => Headers.TryGetValue(header, out var value) ? value : null;

    /// <summary>The <c>error</c> member of a problem+json body, or null when the body is not one.</summary>
    public string? ProblemError()
    {
        if (this["Content-Type"] != "application/problem+json")
        {
            return null;
        }

        using var document = JsonDocument.Parse(Body);
        return document.RootElement.TryGetProperty("error", out var error) ? error.GetString() : null;
    }
}
