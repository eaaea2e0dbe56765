using System.Diagnostics;
using LatchGateway.Audit;
using LatchGateway.Diagnostics;
using LatchGateway.Identity;
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
        try
        {
            decision = await validator.ValidateAsync(PresentedCode.Read(http.Request), RouteId, clientIp, user, context.CancellationToken);
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
        await ProblemFor(decision.Outcome).WriteAsync(http.Response).ConfigureAwait(false);
    }

    private static LatchProblem ProblemFor(LatchOutcome outcome) => outcome switch
    {
        LatchOutcome.Missing => LatchProblem.Required,
        LatchOutcome.LockedOut => LatchProblem.LockedOut,
        LatchOutcome.Unavailable => LatchProblem.Unavailable,
        _ => LatchProblem.Invalid,
    };
}
