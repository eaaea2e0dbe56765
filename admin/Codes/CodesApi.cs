using System.Globalization;
using System.Security.Claims;
using LatchGateway.Admin.Authentication;
using LatchGateway.Admin.OpenApi;
using LatchGateway.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace LatchGateway.Admin.Codes;

/// <summary><c>/admin/codes</c>: issue, list, read and revoke codes.</summary>
internal static class CodesApi
{
    public const int MaxFilterLength = 256;
    public const int MaxCursorLength = 256;
    private const string CursorError = "Not a cursor of this listing: follow the Link header of the page before, or start again without a cursor.";

    public static RouteGroupBuilder MapCodes(this RouteGroupBuilder admin)
    {
        var codes = admin.MapGroup("/codes").WithTags("Codes");

        // The body is read by IssueCodeRequestReader whatever its content type, so that every bad input is a 400.
        codes.MapPost("/", IssueAsync)
            .WithName("issueCode")
            .RequireAuthorization(AdminScopes.CodesIssue)
            .WithMetadata(new CallerLockout.CheckedByEndpoint())
            .WithSummary("Issue a code. The response is the only place the code ever appears.")
            .WithMetadata(new LatchAdminOpenApi.JsonBodyMetadata(typeof(IssueCodeRequest), Required: true))
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        codes.MapGet("/", ListAsync).WithName("listCodes").RequireAuthorization(AdminScopes.CodesRead)
            .WithSummary("List live codes' metadata, newest first, a page at a time.")
            .WithDescription("Never the code or its hash. When there are more codes than the limit, the answer's Link header gives the next page (rel=\"next\").")
            .WithParameterDocs(
                ParameterDocs.Route("codes", MaxFilterLength),
                ParameterDocs.User("codes bound to", MaxFilterLength),
                ParameterDocs.Limit("codes"),
                ParameterDocs.Cursor)
            .WithMetadata(new LatchAdminOpenApi.PagedList());
        codes.MapGet("/{id}", GetAsync).WithName("getCode").RequireAuthorization(AdminScopes.CodesRead)
            .WithSummary("Read a live code's metadata.")
            .WithParameterDocs(ParameterDocs.CodeId)
            .ProducesProblem(StatusCodes.Status404NotFound);
        codes.MapDelete("/{id}", RevokeAsync).WithName("revokeCode").RequireAuthorization(AdminScopes.CodesRevoke)
            .WithSummary("Revoke a live code and end at once every unlock session it opened (even though the code itself is then consumed).")
            .WithParameterDocs(ParameterDocs.CodeId)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return admin;
    }

    internal static async Task<Results<Created<IssuedCodeResponse>, ValidationProblem, ProblemHttpResult>> IssueAsync(
        HttpContext context,
        ClaimsPrincipal caller,
        ILatchCodeService codes,
        IssueCodeRequestReader reader,
        IApiKeyAttemptLimiter limiter,
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
            return await LockedOutAsync(context, limiter, cancellationToken)
                ?? TypedResults.Problem(detail: "The request body could not be read.", statusCode: exception.StatusCode);
        }

        if (body is not null)
        {
            errors = reader.Validate(body, codes.DefaultTtl, codes.MaxTtl, out var routeId, out var network, out var ttl, out var session);
            if (errors is null)
            {
                var issue = new LatchCodeIssue(routeId, body.User, network, ttl, body.Reason, AdminActor.Of(context, caller)) { SessionLifetime = session };
                return await IssueCheckedAsync(context, codes, limiter, issue, cancellationToken);
            }
        }

        if (await LockedOutAsync(context, limiter, cancellationToken) is { } lockedOut)
        {
            return lockedOut;
        }

        return TypedResults.ValidationProblem(errors!);
    }

    /// <summary>
    /// Issues the code. When the authentication handler left the caller's lockout to this endpoint, its lookup is sent
    /// together with the issue (one round trip to Redis); a caller found locked out gets 429, and the code stored
    /// meanwhile is revoked unannounced.
    /// </summary>
    private static async Task<Results<Created<IssuedCodeResponse>, ValidationProblem, ProblemHttpResult>> IssueCheckedAsync(
        HttpContext context, ILatchCodeService codes, IApiKeyAttemptLimiter limiter, LatchCodeIssue issue, CancellationToken cancellationToken)
    {
        if (!CallerLockout.IsDeferred(context))
        {
            var issued = await codes.IssueAsync(issue, cancellationToken);
            return TypedResults.Created($"/admin/codes/{issued.Info.Id}", IssuedCodeResponse.From(issued));
        }

        var lockedOutFor = TimeSpan.Zero;
        var unlessLockedOut = await codes.IssueUnlessAsync(
            issue,
            async token => (lockedOutFor = await CallerLockout.LookUpAsync(context, limiter, token)) > TimeSpan.Zero,
            cancellationToken);
        return unlessLockedOut is { } code
            ? TypedResults.Created($"/admin/codes/{code.Info.Id}", IssuedCodeResponse.From(code))
            : CallerLockout.Problem(context, lockedOutFor);
    }

    /// <summary>The 429 of a caller whose lockout was left to this endpoint and who is locked out; else null.</summary>
    private static async Task<ProblemHttpResult?> LockedOutAsync(HttpContext context, IApiKeyAttemptLimiter limiter, CancellationToken cancellationToken)
    {
        if (!CallerLockout.IsDeferred(context))
        {
            return null;
        }

        var lockedOutFor = await CallerLockout.LookUpAsync(context, limiter, cancellationToken);
        return lockedOutFor > TimeSpan.Zero ? CallerLockout.Problem(context, lockedOutFor) : null;
    }

    /// <summary>
    /// One page of live codes, newest first; <c>Link: &lt;…&gt;; rel="next"</c> when there are more. The parameters are
    /// read as text, like <c>/admin/audit</c>'s, so that a wrong one is a 400 naming it.
    /// </summary>
    internal static async Task<Results<Ok<IReadOnlyList<LatchCodeInfo>>, ValidationProblem>> ListAsync(
        string? route, string? user, string? limit, string? cursor, HttpContext context, ILatchCodeService codes, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var count = LatchCodeQuery.DefaultLimit;
        if (!string.IsNullOrEmpty(limit)
            && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count is < 1 or > LatchCodeQuery.MaxLimit))
        {
            errors["limit"] = [$"A whole number from 1 to {LatchCodeQuery.MaxLimit}."];
        }

        CheckFilter(errors, "route", route);
        CheckFilter(errors, "user", user);
        if (cursor is { Length: > MaxCursorLength })
        {
            errors["cursor"] = [CursorError];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var query = new LatchCodeQuery(NullIfEmpty(route), NullIfEmpty(user), count, NullIfEmpty(cursor));
        if (await codes.ListAsync(query, cancellationToken) is not { } page)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["cursor"] = [CursorError] });
        }

        if (page.NextCursor is { } next)
        {
            context.Response.Headers.Link = NextLink(context.Request, query, next);
        }

        return TypedResults.Ok(page.Codes);
    }

    /// <summary>The next page's address: this call's path and filters with the next cursor (RFC 8288).</summary>
    private static string NextLink(HttpRequest request, LatchCodeQuery query, string cursor)
    {
        var parameters = new List<KeyValuePair<string, string?>>(4);
        if (query.Route is not null)
        {
            parameters.Add(new("route", query.Route));
        }

        if (query.User is not null)
        {
            parameters.Add(new("user", query.User));
        }

        parameters.Add(new("limit", query.Limit.ToString(CultureInfo.InvariantCulture)));
        parameters.Add(new("cursor", cursor));
        return $"<{request.PathBase}{request.Path}{QueryString.Create(parameters)}>; rel=\"next\"";
    }

    private static void CheckFilter(Dictionary<string, string[]> errors, string field, string? value)
    {
        if (value is { Length: > MaxFilterLength })
        {
            errors[field] = [$"At most {MaxFilterLength} characters."];
        }
    }

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
