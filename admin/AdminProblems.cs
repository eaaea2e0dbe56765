using Microsoft.AspNetCore.Http;

namespace LatchGateway.Admin;

/// <summary>RFC 9457 answers of the admin API outside the endpoint handlers.</summary>
internal static class AdminProblems
{
    public const string StoreUnavailableError = "latch_unavailable";

    public static Task Write(HttpContext context, int status, string detail, string? error = null)
    {
        context.Response.Headers.CacheControl = "no-store";
        var extensions = error is null ? null : new Dictionary<string, object?> { ["error"] = error };
        return Results.Problem(detail: detail, statusCode: status, extensions: extensions).ExecuteAsync(context);
    }

    public static IResult StoreUnavailable() => TypedResults.Problem(
        detail: "The latch code store is unavailable.",
        statusCode: StatusCodes.Status503ServiceUnavailable,
        extensions: new Dictionary<string, object?> { ["error"] = StoreUnavailableError });
}
