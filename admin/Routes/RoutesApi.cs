using LatchGateway.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace LatchGateway.Admin.Routes;

/// <summary><c>/admin/routes</c>: the proxy routes and which of them are latched.</summary>
internal static class RoutesApi
{
    public static RouteGroupBuilder MapRoutes(this RouteGroupBuilder admin)
    {
        admin.MapGet("/routes", List).WithName("listRoutes").WithTags("Routes").RequireAuthorization(AdminScopes.CodesRead)
            .WithSummary("List the proxy routes and whether each is latched.");
        return admin;
    }

    internal static Ok<IReadOnlyList<LatchRouteInfo>> List(ILatchRouteCatalog routes) => TypedResults.Ok(routes.GetRoutes());
}
