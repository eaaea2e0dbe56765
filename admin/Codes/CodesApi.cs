using System.Security.Claims;
using LatchGateway.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace LatchGateway.Admin.Codes;

/// <summary><c>/admin/codes</c>: issue, list, read and revoke codes.</summary>
internal static class CodesApi
{
    public static RouteGroupBuilder MapCodes(this RouteGroupBuilder admin)
    {
        var codes = admin.MapGroup("/codes").WithTags("Codes");

        // The body is read by IssueCodeRequestReader whatever its content type, so that every bad input is a 400.
        codes.MapPost("/", IssueAsync)
            .RequireAuthorization(AdminScopes.CodesIssue)
            .WithSummary("Issue a code. The response is the only place the code ever appears.")
            .WithMetadata(new LatchAdminOpenApi.JsonBodyMetadata(typeof(IssueCodeRequest), Required: true))
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        codes.MapGet("/", ListAsync).RequireAuthorization(AdminScopes.CodesRead)
            .WithSummary("List live codes' metadata, newest first.");
        codes.MapGet("/{id}", GetAsync).RequireAuthorization(AdminScopes.CodesRead)
            .WithSummary("Read a live code's metadata.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        codes.MapDelete("/{id}", RevokeAsync).RequireAuthorization(AdminScopes.CodesRevoke)
            .WithSummary("Revoke a live code and end at once every unlock session it opened (even though the code itself is then consumed).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return admin;
    }

    internal static async Task<Results<Created<IssuedCodeResponse>, ValidationProblem, ProblemHttpResult>> IssueAsync(
        HttpContext context,
        ClaimsPrincipal caller,
        ILatchCodeService codes,
        IssueCodeRequestReader reader,
        CancellationToken cancellationToken)
    {
        IssueCodeRequest? body;
        Dictionary<string, string[]>? errors;
        try
        {
            (body, errors) = await IssueCodeRequestReader.ReadAsync(context.Request, cancellationToken);
        }
        catch (BadHttpRequestException exception)
        {
            return TypedResults.Problem(detail: "The request body could not be read.", statusCode: exception.StatusCode);
        }

        if (body is null)
        {
            return TypedResults.ValidationProblem(errors!);
        }

        errors = reader.Validate(body, codes.DefaultTtl, codes.MaxTtl, out var routeId, out var network, out var ttl, out var session);
        if (errors is not null)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var issued = await codes.IssueAsync(
            new LatchCodeIssue(routeId, body.User, network, ttl, body.Reason, AdminActor.Of(context, caller)) { SessionLifetime = session },
            cancellationToken);
        return TypedResults.Created($"/admin/codes/{issued.Info.Id}", IssuedCodeResponse.From(issued));
    }

    internal static async Task<Ok<IReadOnlyList<LatchCodeInfo>>> ListAsync(
        string? route, string? user, ILatchCodeService codes, CancellationToken cancellationToken) =>
        TypedResults.Ok(await codes.ListAsync(NullIfEmpty(route), NullIfEmpty(user), cancellationToken));

    internal static async Task<Results<Ok<LatchCodeInfo>, ProblemHttpResult>> GetAsync(
        string id, ILatchCodeService codes, CancellationToken cancellationToken) =>
        await codes.GetAsync(id, cancellationToken) is { } info ? TypedResults.Ok(info) : NotFound();

    internal static async Task<Results<NoContent, ProblemHttpResult>> RevokeAsync(
        string id, HttpContext context, ClaimsPrincipal caller, ILatchCodeService codes, CancellationToken cancellationToken) =>
        (await codes.RevokeAsync(id, AdminActor.Of(context, caller), cancellationToken)).Found
            ? TypedResults.NoContent()
            : TypedResults.Problem(detail: "No live code has this id, and no open session was opened by it.", statusCode: StatusCodes.Status404NotFound);

    private static ProblemHttpResult NotFound() =>
        TypedResults.Problem(detail: "No live code has this id.", statusCode: StatusCodes.Status404NotFound);

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
