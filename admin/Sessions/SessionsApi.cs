using System.Security.Claims;
using LatchGateway.Admin.OpenApi;
using LatchGateway.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace LatchGateway.Admin.Sessions;

/// <summary><c>/admin/sessions</c>: list open unlock sessions and end one.</summary>
internal static class SessionsApi
{
    public static RouteGroupBuilder MapSessions(this RouteGroupBuilder admin)
    {
        var sessions = admin.MapGroup("/sessions").WithTags("Sessions");
        sessions.MapGet("/", ListAsync).WithName("listSessions").RequireAuthorization(AdminScopes.CodesRead)
            .WithSummary("List open unlock sessions, newest first. Never their tokens.")
            .WithParameterDocs(ParameterDocs.Route("sessions"), ParameterDocs.User("sessions of"));
        sessions.MapDelete("/{id}", EndAsync).WithName("endSession").RequireAuthorization(AdminScopes.CodesRevoke)
            .WithSummary("End an open unlock session at once, on every replica.")
            .WithParameterDocs(ParameterDocs.SessionId)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return admin;
    }

    internal static async Task<Ok<IReadOnlyList<LatchSessionInfo>>> ListAsync(
        string? route, string? user, ILatchSessionService sessions, CancellationToken cancellationToken) =>
        TypedResults.Ok(await sessions.ListAsync(NullIfEmpty(route), NullIfEmpty(user), cancellationToken));

    internal static async Task<Results<NoContent, ProblemHttpResult>> EndAsync(
        string id, HttpContext context, ClaimsPrincipal caller, ILatchSessionService sessions, CancellationToken cancellationToken) =>
        await sessions.EndAsync(id, AdminActor.Of(context, caller), cancellationToken) is null
            ? TypedResults.Problem(detail: "No open session has this id.", statusCode: StatusCodes.Status404NotFound)
            : TypedResults.NoContent();

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
