using System.Net;

namespace LatchGateway.Development;

/// <summary>
/// Development only: a tiny backend that answers with what it received, so a first run shows the latch at work
/// (the code gone, <c>X-Latch-Id</c> present).
/// </summary>
internal static class EchoBackend
{
    /// <summary>Maps the pages and the echo in one group, so what the caller adds (its listener) applies to both.</summary>
    public static IEndpointConventionBuilder MapEchoBackend(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("");

        // A pretend admin console behind the Session demo route: pages that link to each other, as a real one's do.
        group.MapGet("/console/{**page}", static (HttpRequest request, string? page) => TypedResults.Content(
            $"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Demo console: {WebUtility.HtmlEncode(page ?? "home")}</title></head>
            <body><h1>Demo console: {WebUtility.HtmlEncode(page ?? "home")}</h1>
            <p>Served through the latch session of code <code id="latch-id">{WebUtility.HtmlEncode(request.Headers["X-Latch-Id"].ToString())}</code>.</p>
            <nav><a id="reports" href="/console/reports">Reports</a> | <a id="home" href="/console/">Home</a></nav>
            </body></html>
            """,
            "text/html; charset=utf-8"));
        group.Map("/{**path}", static (HttpRequest request) => TypedResults.Ok(new
        {
            backend = "latch-gateway development echo",
            method = request.Method,
            path = request.Path.Value,
            query = request.QueryString.Value,
            headers = request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
        }));
        return group;
    }
}
