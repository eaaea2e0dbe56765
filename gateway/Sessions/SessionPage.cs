using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;

namespace LatchGateway.Sessions;

/// <summary>
/// The 401 of a Session route for a browser: a small page with a form to enter a code, which submits as
/// <c>GET ?latch_code=</c> to the same URL (its other query parameters kept as hidden fields). No script, no
/// external resource; the one inline style is allowed by its hash in a strict <c>Content-Security-Policy</c>.
/// </summary>
internal static class SessionPage
{
    private const string Style =
        "body{font:16px/1.5 system-ui,sans-serif;margin:0;display:grid;place-items:center;min-height:100vh;background:#f4f5f7;color:#1d2330}"
        + "main{background:#fff;padding:2rem 2.5rem;border-radius:8px;box-shadow:0 1px 4px #0002;max-width:26rem}"
        + "h1{font-size:1.3rem;margin:0 0 .5rem}label{display:block;font-weight:600;margin:1rem 0 .3rem}"
        + "input{font:inherit;font-family:ui-monospace,monospace;letter-spacing:.1em;padding:.5rem;width:100%;box-sizing:border-box;text-transform:uppercase}"
        + "button{font:inherit;margin-top:1rem;padding:.5rem 1.2rem;border:0;border-radius:4px;background:#2456c7;color:#fff;cursor:pointer}"
        + "input:focus,button:focus{outline:3px solid #f0b000;outline-offset:2px}";

    private static readonly string ContentSecurityPolicy =
        $"default-src 'none'; style-src 'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(Style)))}'; "
        + "form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

    /// <summary>Whether the client prefers HTML to any other type it accepts (a browser navigating, not an API client).</summary>
    public static bool IsPreferredBy(HttpRequest request)
    {
        var accept = request.GetTypedHeaders().Accept;
        double html = 0, other = 0;
        foreach (var type in accept)
        {
            var quality = type.Quality ?? 1;
            if (type.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase))
            {
                html = Math.Max(html, quality);
            }
            else if (!type.MatchesAllTypes && !type.MediaType.Equals("application/xhtml+xml", StringComparison.OrdinalIgnoreCase))
            {
                other = Math.Max(other, quality);
            }
        }

        return html > 0 && html >= other;
    }

    public static Task WriteAsync(HttpContext http)
    {
        var response = http.Response;
        response.StatusCode = StatusCodes.Status401Unauthorized;
        var headers = response.Headers;
        headers.ContentType = "text/html; charset=utf-8";
        headers.CacheControl = "no-store";
        headers.WWWAuthenticate = "Latch";
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        var body = Encoding.UTF8.GetBytes(Render(http.Request));
        headers.ContentLength = body.Length;
        return response.Body.WriteAsync(body, 0, body.Length);
    }

    private static string Render(HttpRequest request)
    {
        var html = HtmlEncoder.Default;
        var kept = new StringBuilder();
        foreach (var (name, values) in request.Query)
        {
            if (string.Equals(name, Transforms.PresentedCode.QueryName, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            foreach (var value in values)
            {
                kept.Append($"<input type=\"hidden\" name=\"{html.Encode(name)}\" value=\"{html.Encode(value ?? "")}\">");
            }
        }

        return $"""
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="referrer" content="no-referrer">
            <title>Latch code required</title>
            <style>{Style}</style>
            </head>
            <body>
            <main>
            <h1>This page is latched</h1>
            <p>Enter the latch code you were given. It opens this page for a short session, from this browser only.</p>
            <form method="get" action="{html.Encode(request.PathBase + request.Path)}">
            {kept}<label for="latch_code">Latch code</label>
            <input id="latch_code" name="latch_code" type="text" required autofocus autocomplete="one-time-code" spellcheck="false" autocapitalize="characters" aria-describedby="latch_code_hint">
            <p id="latch_code_hint">Letters and digits, for example 7K3QD-M9XJ2.</p>
            <button type="submit">Open</button>
            </form>
            </main>
            </body>
            </html>
            """;
    }
}
