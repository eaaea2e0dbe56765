using Microsoft.AspNetCore.Http;

namespace LatchGateway.Admin;

/// <summary>RFC 9457 answers of the admin API outside the endpoint handlers.</summary>
internal static class AdminProblems
{
    public const string StoreUnavailableError = "latch_unavailable";

    /// <summary>The <c>Retry-After</c> of a 503: the store connection retries in the background meanwhile.</summary>
    public const int StoreRetryAfterSeconds = 5;

    private static readonly string StoreRetryAfter = StoreRetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static Task Write(HttpContext context, int status, string detail, string? error = null)
    {
        context.Response.Headers.CacheControl = "no-store";
        var extensions = error is null ? null : new Dictionary<string, object?> { ["error"] = error };
        return Results.Problem(detail: detail, statusCode: status, extensions: extensions).ExecuteAsync(context);
    }

    /// <summary>503 <c>latch_unavailable</c>, with <c>Retry-After</c>.</summary>
    public static IResult StoreUnavailable(HttpContext context)
    {
        context.Response.Headers.RetryAfter = StoreRetryAfter;
        return TypedResults.Problem(
            detail: "The latch code store is unavailable.",
            statusCode: StatusCodes.Status503ServiceUnavailable,
            extensions: new Dictionary<string, object?> { ["error"] = StoreUnavailableError });
    }

    /// <summary>Writes 503 <c>latch_unavailable</c>, with <c>Retry-After</c>, outside a handler.</summary>
    public static Task WriteStoreUnavailable(HttpContext context)
    {
        context.Response.Headers.RetryAfter = StoreRetryAfter;
        return Write(context, StatusCodes.Status503ServiceUnavailable, "The latch code store is unavailable.", StoreUnavailableError);
    }
}
