using LatchGateway.Admin;
using LatchGateway.Configuration;
using LatchGateway.Contracts;
using LatchGateway.Sessions;
using LatchGateway.Transforms;
using Yarp.ReverseProxy;

namespace LatchGateway.Routing;

/// <summary>The routes YARP is serving now, configuration reloads included.</summary>
internal sealed class YarpRouteCatalog(IProxyStateLookup proxyState, LiveOptions<LatchSessionOptions> sessionOptions) : ILatchRouteCatalog
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

    private LatchRouteInfo ToInfo(Yarp.ReverseProxy.Model.RouteModel route)
    {
        var config = route.Config;
        var session = LatchTransformFactory.SessionOf(config.RouteId, config.Transforms, sessionOptions.Current);
        return new(config.RouteId, LatchTransformFactory.IsLatched(config.Transforms), config.Match.Path, session?.Lifetime);
    }
}
