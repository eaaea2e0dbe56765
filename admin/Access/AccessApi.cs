using System.Globalization;
using System.Security.Claims;
using LatchGateway.Admin.Authentication;
using LatchGateway.Admin.Codes;
using LatchGateway.Admin.Json;
using LatchGateway.Admin.OpenApi;
using LatchGateway.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace LatchGateway.Admin.Access;

/// <summary>
/// <c>/access/requests</c>: people (JWT bearer) ask for a route, approvers decide, the requester picks up the code;
/// API keys with <c>access:read</c> read every request. Errors are problem+json with the contract's <c>error</c>.
/// </summary>
internal static class AccessApi
{
    public const int MaxBodyBytes = 16 * 1024;
    private const int DefaultLimit = 100;
    private const int MaxLimit = 1000;

    public static RouteGroupBuilder MapAccessRequests(this RouteGroupBuilder access)
    {
        var requests = access.MapGroup("/requests").WithTags("Access requests").RequireAuthorization(AccessAuthentication.PolicyName);
        requests.MapPost("/", CreateAsync)
            .WithName("createAccessRequest")
            .WithSummary("Ask for access to one latched route (a requester of its policy). With breakGlass, where the policy allows it: granted at once, audited and announced.")
            .WithMetadata(new LatchAdminOpenApi.JsonBodyMetadata(typeof(NewAccessRequest), Required: true))
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        requests.MapGet("/", ListAsync)
            .WithName("listAccessRequests")
            .WithSummary("List access requests, newest first: a person sees their own and those they may review; an API key with access:read sees all.")
            .WithParameterDocs(
                ParameterDocs.AccessState,
                ParameterDocs.Route("requests"),
                ParameterDocs.Flag("mine", "Only the caller's own requests."),
                ParameterDocs.Flag("reviewable", "Only requests the caller may approve or deny now."),
                ParameterDocs.Limit("requests"))
            .WithMetadata(new AccessAuthentication.ReadableWithApiKey());
        requests.MapGet("/{id}", GetAsync)
            .WithName("getAccessRequest")
            .WithSummary("Read one access request (its requester, its route's approvers, or access:read).")
            .WithParameterDocs(ParameterDocs.AccessRequestId)
            .WithMetadata(new AccessAuthentication.ReadableWithApiKey())
            .ProducesProblem(StatusCodes.Status404NotFound);
        requests.MapPost("/{id}/approve", ApproveAsync)
            .WithName("approveAccessRequest")
            .WithParameterDocs(ParameterDocs.AccessRequestId)
            .WithSummary("Approve a pending request (an approver of its route who is not its requester, once). Enough distinct approvals grant it.")
            .WithMetadata(new LatchAdminOpenApi.JsonBodyMetadata(typeof(AccessReview), Required: false))
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        requests.MapPost("/{id}/deny", DenyAsync)
            .WithName("denyAccessRequest")
            .WithParameterDocs(ParameterDocs.AccessRequestId)
            .WithSummary("Deny a pending request, with a reason (an approver of its route who is not its requester). The first denial decides.")
            .WithMetadata(new LatchAdminOpenApi.JsonBodyMetadata(typeof(AccessDenial), Required: true))
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        requests.MapPost("/{id}/cancel", CancelAsync)
            .WithName("cancelAccessRequest")
            .WithParameterDocs(ParameterDocs.AccessRequestId)
            .WithSummary("Withdraw a pending request (its requester).")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        requests.MapPost("/{id}/code", PickUpAsync)
            .WithName("pickUpAccessCode")
            .WithParameterDocs(ParameterDocs.AccessRequestId)
            .WithSummary("Pick up the code of a granted request (its requester, once, within the pickup window). The response is the only place the code ever appears; its lifetime starts now.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return access;
    }

    internal static async Task<Results<Created<AccessRequestInfo>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        HttpContext context, ClaimsPrincipal caller, ILatchAccessService access, CancellationToken cancellationToken)
    {
        if (Person(context, caller, access) is not { } person)
        {
            return PersonRequired(context, caller);
        }

        var (body, errors) = await ReadAsync<NewAccessRequest>(context.Request, required: true, cancellationToken);
        if (errors is not null)
        {
            return errors;
        }

        var result = await access.CreateAsync(person, body!, cancellationToken);
        return result.Value is { } created
            ? TypedResults.Created($"/access/requests/{created.Id}", created)
            : Problem(result.Error!);
    }

    /// <summary>
    /// The filters are read as text, like <c>/admin/audit</c>'s, so that a wrong one is a 400 naming it rather than a
    /// binding failure that names nothing.
    /// </summary>
    internal static async Task<Results<Ok<IReadOnlyList<AccessRequestInfo>>, ValidationProblem, ProblemHttpResult>> ListAsync(
        HttpContext context,
        ClaimsPrincipal caller,
        ILatchAccessService access,
        string? state,
        string? route,
        string? mine,
        string? reviewable,
        string? limit,
        CancellationToken cancellationToken)
    {
        if (Viewer(context, caller, access) is not { } viewer)
        {
            return PersonRequired(context, caller);
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        AccessRequestState? wanted = null;
        if (!string.IsNullOrEmpty(state))
        {
            if (Enum.TryParse<AccessRequestState>(state, ignoreCase: true, out var parsed) && !char.IsDigit(state[0]) && Enum.IsDefined(parsed))
            {
                wanted = parsed;
            }
            else
            {
                errors["state"] = ["One of: pending, granted, denied, expired, cancelled, issued."];
            }
        }

        var count = DefaultLimit;
        if (!string.IsNullOrEmpty(limit) && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count is < 1 or > MaxLimit))
        {
            errors["limit"] = [$"Must be a whole number between 1 and {MaxLimit}."];
        }

        var onlyMine = Flag(errors, "mine", mine);
        var onlyReviewable = Flag(errors, "reviewable", reviewable);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var query = new AccessRequestQuery(wanted, string.IsNullOrEmpty(route) ? null : route, onlyMine, onlyReviewable, count);
        return TypedResults.Ok(await access.ListAsync(viewer, query, cancellationToken));
    }

    internal static async Task<Results<Ok<AccessRequestInfo>, ProblemHttpResult>> GetAsync(
        string id, HttpContext context, ClaimsPrincipal caller, ILatchAccessService access, CancellationToken cancellationToken)
    {
        if (Viewer(context, caller, access) is not { } viewer)
        {
            return PersonRequired(context, caller);
        }

        return await access.GetAsync(viewer, id, cancellationToken) is { } request
            ? TypedResults.Ok(request)
            : Problem(new AccessError(AccessFailure.NotFound, "No access request you may see has this id."));
    }

    internal static Task<Results<Ok<AccessRequestInfo>, ValidationProblem, ProblemHttpResult>> ApproveAsync(
        string id, HttpContext context, ClaimsPrincipal caller, ILatchAccessService access, CancellationToken cancellationToken) =>
        ReviewAsync(context, caller, access, required: false, (person, review) => access.ApproveAsync(person, id, review?.Reason, cancellationToken), cancellationToken);

    internal static Task<Results<Ok<AccessRequestInfo>, ValidationProblem, ProblemHttpResult>> DenyAsync(
        string id, HttpContext context, ClaimsPrincipal caller, ILatchAccessService access, CancellationToken cancellationToken) =>
        ReviewAsync(context, caller, access, required: true, (person, review) => access.DenyAsync(person, id, review?.Reason, cancellationToken), cancellationToken);

    internal static Task<Results<Ok<AccessRequestInfo>, ValidationProblem, ProblemHttpResult>> CancelAsync(
        string id, HttpContext context, ClaimsPrincipal caller, ILatchAccessService access, CancellationToken cancellationToken) =>
        ReviewAsync(context, caller, access, required: false, (person, _) => access.CancelAsync(person, id, cancellationToken), cancellationToken);

    internal static async Task<Results<Created<IssuedCodeResponse>, ValidationProblem, ProblemHttpResult>> PickUpAsync(
        string id, HttpContext context, ClaimsPrincipal caller, ILatchAccessService access, CancellationToken cancellationToken)
    {
        if (Person(context, caller, access) is not { } person)
        {
            return PersonRequired(context, caller);
        }

        var (_, errors) = await ReadAsync<AccessReview>(context.Request, required: false, cancellationToken);
        if (errors is not null)
        {
            return errors;
        }

        var result = await access.PickUpAsync(person, id, cancellationToken);
        return result.Value is { } issued
            ? TypedResults.Created($"/admin/codes/{issued.Info.Id}", IssuedCodeResponse.From(issued))
            : Problem(result.Error!);
    }

    private static async Task<Results<Ok<AccessRequestInfo>, ValidationProblem, ProblemHttpResult>> ReviewAsync(
        HttpContext context,
        ClaimsPrincipal caller,
        ILatchAccessService access,
        bool required,
        Func<AccessPerson, AccessReview?, ValueTask<AccessResult<AccessRequestInfo>>> act,
        CancellationToken cancellationToken)
    {
        if (Person(context, caller, access) is not { } person)
        {
            return PersonRequired(context, caller);
        }

        var (review, errors) = await ReadAsync<AccessReview>(context.Request, required, cancellationToken);
        if (errors is not null)
        {
            return errors;
        }

        var result = await act(person, review);
        return result.Value is { } request ? TypedResults.Ok(request) : Problem(result.Error!);
    }

    /// <summary>A <c>true</c>/<c>false</c> filter; absent or empty is false.</summary>
    private static bool Flag(Dictionary<string, string[]> errors, string name, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return false;
        }

        if (bool.TryParse(value, out var flag))
        {
            return flag;
        }

        errors[name] = ["Either true or false."];
        return false;
    }

    /// <summary>The person a JWT names; null for an API key or a token without a usable user claim.</summary>
    private static AccessPerson? Person(HttpContext context, ClaimsPrincipal caller, ILatchAccessService access) =>
        IsApiKey(caller) ? null : access.FindPerson(caller, context.Connection.RemoteIpAddress);

    /// <summary>A person, or an auditor: an API key with <c>access:read</c>.</summary>
    private static AccessViewer? Viewer(HttpContext context, ClaimsPrincipal caller, ILatchAccessService access)
    {
        if (IsApiKey(caller))
        {
            return caller.HasClaim(ApiKeyAuthenticationHandler.ScopeClaim, AdminScopes.AccessRead) ? AccessViewer.Auditor : null;
        }

        return access.FindPerson(caller, context.Connection.RemoteIpAddress) is { } person ? new AccessViewer(person) : null;
    }

    private static bool IsApiKey(ClaimsPrincipal caller) =>
        string.Equals(caller.Identity?.AuthenticationType, ApiKeyAuthenticationHandler.SchemeName, StringComparison.Ordinal);

    /// <summary>Why a caller who authenticated is not a person this call can act for.</summary>
    private static ProblemHttpResult PersonRequired(HttpContext context, ClaimsPrincipal caller)
    {
        if (IsApiKey(caller))
        {
            return TypedResults.Problem(
                detail: "Access requests are made and reviewed by people with a JWT; an API key only reads them, with the access:read scope.",
                statusCode: StatusCodes.Status403Forbidden,
                extensions: Error(AccessErrors.Forbidden));
        }

        context.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\", error_description=\"The token names no usable user.\"";
        return TypedResults.Problem(detail: "The token names no usable user.", statusCode: StatusCodes.Status401Unauthorized);
    }

    private static async Task<(T? Body, ValidationProblem? Errors)> ReadAsync<T>(HttpRequest request, bool required, CancellationToken cancellationToken)
        where T : class
    {
        if (!required && request.ContentLength is 0 or null && request.Headers.TransferEncoding.Count == 0)
        {
            return (null, null);
        }

        try
        {
            var (body, errors) = await StrictJsonBody.ReadAsync<T>(request, MaxBodyBytes, cancellationToken);
            return (body, errors is null ? null : TypedResults.ValidationProblem(errors));
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode != StatusCodes.Status413PayloadTooLarge)
        {
            // A body over the limit is left to the admin listener's problem answers: 413, as documented and as
            // POST /admin/codes answers it.
            return (null, TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["The request body could not be read."] }));
        }
    }

    private static ProblemHttpResult Problem(AccessError error) => error.Failure switch
    {
        AccessFailure.Forbidden => TypedResults.Problem(detail: error.Detail, statusCode: StatusCodes.Status403Forbidden, extensions: Error(AccessErrors.Forbidden)),
        AccessFailure.SelfApproval => TypedResults.Problem(detail: error.Detail, statusCode: StatusCodes.Status403Forbidden, extensions: Error(AccessErrors.SelfApproval)),
        AccessFailure.Conflict => TypedResults.Problem(detail: error.Detail, statusCode: StatusCodes.Status409Conflict, extensions: Error(AccessErrors.Conflict)),
        AccessFailure.NotFound => TypedResults.Problem(detail: error.Detail, statusCode: StatusCodes.Status404NotFound),
        _ => TypedResults.Problem(new HttpValidationProblemDetails(error.Fields ?? new Dictionary<string, string[]>()) { Detail = error.Detail, Status = StatusCodes.Status400BadRequest }),
    };

    private static Dictionary<string, object?> Error(string error) => new() { ["error"] = error };
}

/// <summary>Body of an approval (optional), a denial (required: <c>reason</c>) or a cancellation (none).</summary>
public sealed record AccessReview
{
    /// <summary>Why: optional for an approval, required for a denial.</summary>
    public string? Reason { get; init; }
}

/// <summary>Body of a denial, as documented: the same shape as <see cref="AccessReview"/>, with the reason required.</summary>
public sealed record AccessDenial
{
    /// <summary>Why the request is denied.</summary>
    [System.ComponentModel.DataAnnotations.Required]
    public string? Reason { get; init; }
}

/// <summary>The <c>error</c> values of the access API's problems.</summary>
public static class AccessErrors
{
    public const string Forbidden = "access_forbidden";
    public const string SelfApproval = "self_approval";
    public const string Conflict = "access_conflict";
}
