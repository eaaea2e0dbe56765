using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Template;

namespace LatchGateway.Admin;

/// <summary>
/// The <c>Allow</c> value for a path on one listener: the methods of that listener's endpoints whose route matches
/// the path. Routing's own 405 cannot serve here: it is built from every listener's endpoints together (a proxy
/// catch-all accepts any method on <c>/admin/…</c>), before the listener is known.
/// </summary>
internal sealed class AllowedMethods(EndpointDataSource endpoints, Func<Endpoint, bool> servedHere)
{
    private readonly Lazy<Route[]> _routes = new(() => Build(endpoints, servedHere));

    /// <summary>
    /// "GET, POST" when the path is served with other methods than the request's; null when no endpoint has the
    /// path, or one takes every method (then the method is not what is wrong).
    /// </summary>
    public string? For(PathString path)
    {
        SortedSet<string>? methods = null;
        foreach (var route in _routes.Value)
        {
            if (!route.Matcher.TryMatch(path, new RouteValueDictionary()))
            {
                continue;
            }

            if (route.Methods is not { Count: > 0 })
            {
                return null;
            }

            (methods ??= new SortedSet<string>(StringComparer.Ordinal)).UnionWith(route.Methods);
        }

        return methods is null ? null : string.Join(", ", methods);
    }

    // The admin endpoints are mapped once at start-up; the first miss reads them (the proxy's may change, and are skipped).
    private static Route[] Build(EndpointDataSource endpoints, Func<Endpoint, bool> servedHere) =>
        [
            .. endpoints.Endpoints
                .OfType<RouteEndpoint>()
                .Where(endpoint => servedHere(endpoint))
                .Select(endpoint => new Route(
                    new TemplateMatcher(new RouteTemplate(endpoint.RoutePattern), new RouteValueDictionary(endpoint.RoutePattern.Defaults)),
                    endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods)),
        ];

    private sealed record Route(TemplateMatcher Matcher, IReadOnlyList<string>? Methods);
}
