using LatchGateway.Admin;
using LatchGateway.Contracts;
using LatchGateway.Transforms;
using Yarp.ReverseProxy;

namespace LatchGateway.Routing;

/// <summary>The routes YARP is serving now, configuration reloads included.</summary>
internal sealed class YarpRouteCatalog(IProxyStateLookup proxyState) : ILatchRouteCatalog
{
    public IReadOnlyList<LatchRouteInfo> GetRoutes()
    {
        var routes = new List<LatchRouteInfo>();
        foreach (var route in proxyState.GetRoutes())
        {
            routes.Add(ToInfo(route));
        }

        routes.Sort(static (x, y) => string.CompareOrdinal(x.Id, y.Id));
        return routes;
    }

    public LatchRouteInfo? Find(string routeId) =>
        proxyState.TryGetRoute(routeId, out var route) ? ToInfo(route) : null;

    private static LatchRouteInfo ToInfo(Yarp.ReverseProxy.Model.RouteModel route) =>
        new(route.Config.RouteId, LatchTransformFactory.IsLatched(route.Config.Transforms), route.Config.Match.Path);
}
