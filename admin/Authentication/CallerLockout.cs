using System.Globalization;
using LatchGateway.Contracts;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LatchGateway.Admin.Authentication;

/// <summary>
/// The API-key lockout of an admin caller, for the endpoints that look it up themselves (<see cref="CheckedByEndpoint"/>)
/// so that it travels with their own store call: one round trip to Redis, not two. The authentication handler then
/// leaves the lookup to the endpoint (<see cref="IsDeferred"/>), and every answer such an endpoint gives a locked-out
/// caller is 429 — a 400 or 403 would tell a key guesser that its key is right.
/// </summary>
internal static class CallerLockout
{
    public const string Detail = "Too many wrong API keys from this address; try again later.";

    /// <summary>Endpoint metadata: the endpoint looks its caller's lockout up itself, before it answers anything.</summary>
    public sealed class CheckedByEndpoint;

    /// <summary>Whether the authentication handler left this request's lockout lookup to its endpoint.</summary>
    public static bool IsDeferred(HttpContext context) => context.Features.Get<Deferred>() is not null;

    /// <summary>Notes that the lookup was left to the endpoint.</summary>
    public static void Defer(HttpContext context) => context.Features.Set(Deferred.Instance);

    /// <summary>How much longer the caller is locked out; zero when it is not. A caller found locked out is counted in its lockout's summary.</summary>
    public static ValueTask<TimeSpan> LookUpAsync(HttpContext context, IApiKeyAttemptLimiter limiter, CancellationToken cancellationToken) =>
        limiter.GetLockoutAsync(context.Connection.RemoteIpAddress, cancellationToken);

    /// <summary>The 429 of a locked-out caller, with <c>Retry-After</c>.</summary>
    public static ProblemHttpResult Problem(HttpContext context, TimeSpan lockedOutFor)
    {
        context.Response.Headers.RetryAfter = RetryAfter(lockedOutFor);
        return TypedResults.Problem(detail: Detail, statusCode: StatusCodes.Status429TooManyRequests);
    }

    /// <summary>Writes the 429 of a locked-out caller, with <c>Retry-After</c>, outside a handler.</summary>
    public static Task WriteAsync(HttpContext context, TimeSpan lockedOutFor)
    {
        context.Response.Headers.RetryAfter = RetryAfter(lockedOutFor);
        return AdminProblems.Write(context, StatusCodes.Status429TooManyRequests, Detail);
    }

    private static string RetryAfter(TimeSpan lockedOutFor) =>
        ((int)Math.Ceiling(lockedOutFor.TotalSeconds)).ToString(CultureInfo.InvariantCulture);

    private sealed class Deferred
    {
        public static readonly Deferred Instance = new();
    }
}
