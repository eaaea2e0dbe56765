namespace LatchGateway.Development;

/// <summary>
/// Development only: a tiny backend that answers with what it received, so a first run shows the latch at work
/// (the code gone, <c>X-Latch-Id</c> present).
/// </summary>
internal static class EchoBackend
{
    public static IEndpointConventionBuilder MapEchoBackend(this IEndpointRouteBuilder endpoints) =>
        endpoints.Map("/{**path}", static (HttpRequest request) => TypedResults.Ok(new
        {
            backend = "latch-gateway development echo",
            method = request.Method,
            path = request.Path.Value,
            query = request.QueryString.Value,
            headers = request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
        }));
}
