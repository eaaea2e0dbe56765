using System.Text.Json.Serialization;

namespace LatchGateway.Contracts;

/// <summary>The proxy routes as currently configured.</summary>
public interface ILatchRouteCatalog
{
    IReadOnlyList<LatchRouteInfo> GetRoutes();

    /// <summary>Finds a route by id (ordinal); null when there is none.</summary>
    LatchRouteInfo? Find(string routeId);
}

/// <summary>A proxy route as the admin API shows it (<see cref="SessionLifetime"/> is for the gateway's own use).</summary>
/// <param name="Id">The route id.</param>
/// <param name="Latch">Whether the route is latched.</param>
/// <param name="Path">Its path pattern.</param>
/// <param name="SessionLifetime">For a Session route, the longest session it opens; null for other routes.</param>
public sealed record LatchRouteInfo(string Id, bool Latch, string? Path, [property: JsonIgnore] TimeSpan? SessionLifetime = null);
