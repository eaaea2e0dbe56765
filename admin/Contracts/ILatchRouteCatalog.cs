namespace LatchGateway.Contracts;

/// <summary>The proxy routes as currently configured.</summary>
public interface ILatchRouteCatalog
{
    IReadOnlyList<LatchRouteInfo> GetRoutes();

    /// <summary>Finds a route by id (ordinal); null when there is none.</summary>
    LatchRouteInfo? Find(string routeId);
}

/// <summary>A proxy route as the admin API shows it.</summary>
public sealed record LatchRouteInfo(string Id, bool Latch, string? Path);
