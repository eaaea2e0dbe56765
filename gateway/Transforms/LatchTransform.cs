using System.Diagnostics;
using LatchGateway.Audit;
using LatchGateway.Diagnostics;
using LatchGateway.Identity;
using LatchGateway.Lockout;
using LatchGateway.Validation;
using Yarp.ReverseProxy.Transforms;

namespace LatchGateway.Transforms;

/// <summary>
/// The latch on one route: reads the presented code, has it checked and burned, records the outcome (metrics,
/// trace, audit) and either lets the request go on (adding <c>X-Latch-Id</c>) or answers it here. Any failure
/// to reach the store fails closed with 503.
/// </summary>
internal sealed class LatchTransform(
    string routeId,
    LatchValidator validator,
    ClientIdentity identity,
    LockoutGuard lockout,
    AuditTrail audit,
    LatchMetrics metrics,
    TimeProvider timeProvider,
    ILogger<LatchTransform> logger) : RequestTransform
{
    public string RouteId { get; } = routeId;

    public override async ValueTask ApplyAsync(RequestTransformContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var http = context.HttpContext;
        var started = timeProvider.GetTimestamp();
        using var activity = LatchTracing.Source.StartActivity("latch.validate");
        activity?.SetTag("latch.route", RouteId);

        var clientIp = ClientIdentity.GetClientIp(http);
        var user = identity.GetUser(http);
        LatchDecision decision;
        var lockedOutFor = TimeSpan.Zero;
        try
        {
            // A locked-out client's code is not even looked at, so a valid one is not consumed.
            lockedOutFor = await lockout.GetRemainingAsync(clientIp, user, context.CancellationToken).ConfigureAwait(false);
            decision = lockedOutFor > TimeSpan.Zero
                ? new LatchDecision(LatchOutcome.LockedOut, null)
                : await validator.ValidateAsync(PresentedCode.Read(http.Request), RouteId, clientIp, user, context.CancellationToken)
                    .ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !context.CancellationToken.IsCancellationRequested)
        {
            Log.StoreUnavailable(logger, RouteId, exception);
            metrics.StoreReachable(false);
            decision = new LatchDecision(LatchOutcome.Unavailable, null);
        }

        metrics.Validated(RouteId, decision.Outcome, timeProvider.GetElapsedTime(started));
        audit.Presentation(RouteId, decision, user, clientIp);
        if (activity is not null)
        {
            activity.SetTag("latch.outcome", decision.Outcome.ToName());
            activity.SetTag("latch.code_id", decision.Record?.Id);
            activity.SetStatus(decision.Outcome == LatchOutcome.Accepted ? ActivityStatusCode.Ok : ActivityStatusCode.Error);
        }

        if (decision.Outcome == LatchOutcome.Accepted)
        {
            Log.PresentationAccepted(logger, RouteId, decision.Record!.Id);
            context.ProxyRequest.Headers.TryAddWithoutValidation(PresentedCode.IdHeaderName, decision.Record.Id);
            return;
        }

        Log.PresentationRefused(logger, RouteId, decision.Outcome.ToName(), decision.Record?.Id, clientIp);
        if (decision.Outcome.IsRefusal())
        {
            await CountRefusalAsync(clientIp, user, context.CancellationToken).ConfigureAwait(false);
        }

        await ProblemFor(decision.Outcome).WriteAsync(http.Response, RetryAfterSeconds(lockedOutFor)).ConfigureAwait(false);
    }

    private async ValueTask CountRefusalAsync(System.Net.IPAddress? clientIp, string? user, CancellationToken cancellationToken)
    {
        try
        {
            await lockout.RecordRefusalAsync(RouteId, clientIp, user, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The refusal stands; only its counting toward a lockout is lost.
            Log.LockoutCountFailed(logger, RouteId, exception);
        }
    }

    /// <summary>Whole seconds left, rounded up, for <c>Retry-After</c>; null when not locked out.</summary>
    private static int? RetryAfterSeconds(TimeSpan lockedOutFor) =>
        lockedOutFor > TimeSpan.Zero ? (int)Math.Ceiling(lockedOutFor.TotalSeconds) : null;

    private static LatchProblem ProblemFor(LatchOutcome outcome) => outcome switch
    {
        LatchOutcome.Missing => LatchProblem.Required,
        LatchOutcome.LockedOut => LatchProblem.LockedOut,
        LatchOutcome.Unavailable => LatchProblem.Unavailable,
        _ => LatchProblem.Invalid,
    };
}
