using System.Diagnostics;
using LatchGateway.Admin;
using LatchGateway.Audit;
using LatchGateway.Contracts;
using LatchGateway.Diagnostics;
using LatchGateway.Identity;
using LatchGateway.Burn;
using LatchGateway.Lockout;
using LatchGateway.Notifications;
using LatchGateway.Sessions;
using LatchGateway.Store;
using Yarp.ReverseProxy.Transforms;

namespace LatchGateway.Transforms;

/// <summary>
/// The latch on one route: reads the presented code, has it checked and burned, records the outcome (metrics,
/// trace, audit) and either lets the request go on (adding <c>X-Latch-Id</c>) or answers it here. The lockout is
/// looked up alongside the consume (one round trip to Redis for an accepted code) and a refusal counted after it,
/// in one atomic step per subject (see <see cref="PresentAsync"/> and <see cref="LockoutGuard"/>). Any failure to
/// reach the store fails closed with 503; so does an unexpected fault, which is logged as an error.
/// On a Session route (<paramref name="session"/>), a request on an open session goes on without a code, an
/// accepted code opens a session (see <see cref="SessionGate"/>), and a browser gets its 401 as a page with a form.
/// </summary>
internal sealed class LatchTransform(
    string routeId,
    CodeBurner burner,
    ClientIdentity identity,
    LockoutGuard lockout,
    AuditTrail audit,
    LatchMetrics metrics,
    TimeProvider timeProvider,
    NotificationPublisher notifications,
    ILogger<LatchTransform> logger,
    SessionGate sessions,
    SessionRoute? session = null) : RequestTransform
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
        OpenedSession? opened = null;
        try
        {
            if (session is not null
                && await sessions.UseAsync(http.Request, session, clientIp, user, context.CancellationToken).ConfigureAwait(false) is { } open)
            {
                // Not a presentation: no validation is counted or audited, the backend learns the opening code's id.
                activity?.SetTag("latch.session_id", open.Id);
                context.ProxyRequest.Headers.TryAddWithoutValidation(PresentedCode.IdHeaderName, open.CodeId);
                return;
            }

            (decision, lockedOutFor, opened) = await PresentAsync(PresentedCode.Read(http.Request), clientIp, user, context.CancellationToken)
                .ConfigureAwait(false);
            if (lockedOutFor > TimeSpan.Zero)
            {
                await RestoreAsync(decision, opened, context.CancellationToken).ConfigureAwait(false);
                decision = decision with { Outcome = LatchOutcome.LockedOut };
            }
        }
        catch (LatchStoreUnavailableException exception)
        {
            Log.StoreUnavailable(logger, RouteId, exception.Message);
            decision = new LatchDecision(LatchOutcome.Unavailable, null);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !context.CancellationToken.IsCancellationRequested)
        {
            // A fault of the gateway itself, not of the store: refused all the same (fail closed), reported as the bug it is.
            Log.PresentationFailed(logger, RouteId, exception);
            decision = new LatchDecision(LatchOutcome.Unavailable, null);
        }

        metrics.Validated(RouteId, decision.Outcome, timeProvider.GetElapsedTime(started));
        if (decision.Outcome != LatchOutcome.LockedOut)
        {
            // A locked-out presentation is counted in its lockout's summary (the lockout_ended event), not audited on its own.
            audit.Presentation(RouteId, decision, user, clientIp);
        }
        if (decision.Outcome == LatchOutcome.Used)
        {
            // A consumed code presented again may have been stolen: whoever watches for that hears of it.
            await notifications.PublishAsync(
                NotificationEvents.CodeReplayed,
                new NotificationData { CodeId = decision.Record?.Id, Route = RouteId, ClientIp = clientIp?.ToString(), User = user },
                context.CancellationToken).ConfigureAwait(false);
        }

        var codeId = decision.Record?.Id; // made once: the record keeps its id packed
        if (activity is not null)
        {
            activity.SetTag("latch.outcome", decision.Outcome.ToName());
            activity.SetTag("latch.code_id", codeId);
            activity.SetStatus(decision.Outcome == LatchOutcome.Accepted ? ActivityStatusCode.Ok : ActivityStatusCode.Error);
        }

        if (decision.Outcome == LatchOutcome.Accepted)
        {
            Log.PresentationAccepted(logger, RouteId, codeId!);
            if (session is not null && await AnnounceSessionAsync(http, decision.Record!, opened, clientIp, context.CancellationToken).ConfigureAwait(false))
            {
                return;
            }

            context.ProxyRequest.Headers.TryAddWithoutValidation(PresentedCode.IdHeaderName, codeId);
            return;
        }

        Log.PresentationRefused(logger, RouteId, decision.Outcome.ToName(), codeId, clientIp);
        if (session is not null && decision.Outcome == LatchOutcome.Missing)
        {
            // Whatever session it carried is no good here: the browser is told to forget it.
            if (SessionCookie.Read(http.Request, session) is not null)
            {
                http.Response.Headers.SetCookie = SessionCookie.Clear(session, http.Request.IsHttps);
            }

            if (SessionPage.IsPreferredBy(http.Request))
            {
                await SessionPage.WriteAsync(http).ConfigureAwait(false);
                return;
            }
        }

        await ProblemFor(decision.Outcome).WriteAsync(http.Response, RetryAfterSeconds(lockedOutFor)).ConfigureAwait(false);
    }

    /// <summary>
    /// Announces the session an accepted code opened; true when the request was answered (the 303 that takes the code
    /// out of the address bar, or a 503). The code is burned by now: should no session have been opened, or the store
    /// fail here, the request fails closed.
    /// </summary>
    private async ValueTask<bool> AnnounceSessionAsync(
        HttpContext http, Store.LatchCodeRecord code, OpenedSession? opened, System.Net.IPAddress? clientIp, CancellationToken cancellationToken)
    {
        if (opened is null)
        {
            Log.SessionNotOpened(logger, RouteId, code.Id);
            await LatchProblem.Unavailable.WriteAsync(http.Response).ConfigureAwait(false);
            return true;
        }

        try
        {
            return await sessions.AnnounceAsync(http, session!, opened, clientIp, cancellationToken).ConfigureAwait(false);
        }
        catch (LatchStoreUnavailableException exception)
        {
            Log.StoreUnavailable(logger, RouteId, exception.Message);
            await LatchProblem.Unavailable.WriteAsync(http.Response).ConfigureAwait(false);
            return true;
        }
    }

    /// <summary>
    /// Burns a presented code and applies the lockout to the outcome. The consume and the lookup of the client's and
    /// user's lockouts are sent together, before either is awaited: on Redis one round trip for an accepted code,
    /// although the lockout keys and the code live in different slots (or nodes). The lookup only reads; it is the
    /// lockout's word on an acceptance, which therefore holds only while neither subject was locked out when the
    /// lookup ran, that is while fewer than <c>MaxFailures</c> refusals were counted. A refusal is counted (and the
    /// subject found locked out if it already was) in one atomic step per subject, a second round trip that only
    /// refusals make. The lockout left is zero when the decision stands; else the presentation is answered 429.
    /// On a Session route the consume also opens the code's session, in the same step (<see cref="SessionGate.PresentAsync"/>):
    /// opening is one round trip too. A session opened for a presentation refused after all is discarded, together
    /// with the refusal's count (or with the code's restore, for a presenter found locked out).
    /// </summary>
    private async ValueTask<(LatchDecision Decision, TimeSpan LockedOutFor, OpenedSession? Opened)> PresentAsync(
        string? presented, System.Net.IPAddress? clientIp, string? user, CancellationToken cancellationToken)
    {
        if (!burner.TryDigest(presented, out var digest, out var outcome))
        {
            // A request without a code needs no store: it is answered 401 whatever the store's state.
            return (new LatchDecision(outcome, null), TimeSpan.Zero, null);
        }

        LatchDecision decision;
        OpenedSession? opened = null;
        TimeSpan lockedOutFor;
        if (session is null)
        {
            (decision, lockedOutFor) = await SentTogether.BothAsync(
                burner.ConsumeAsync(digest, RouteId, clientIp, user, cancellationToken),
                lockout.PeekRemainingAsync(clientIp, user, cancellationToken)).ConfigureAwait(false);
        }
        else
        {
            ((decision, opened), lockedOutFor) = await SentTogether.BothAsync(
                sessions.PresentAsync(burner, digest, session, clientIp, user, cancellationToken),
                lockout.PeekRemainingAsync(clientIp, user, cancellationToken)).ConfigureAwait(false);
        }

        if (decision.Outcome.IsRefusal())
        {
            var counted = lockout.CountRefusalAsync(RouteId, clientIp, user, cancellationToken);
            return opened is null
                ? (decision, await counted.ConfigureAwait(false), null)
                : (decision, (await SentTogether.BothAsync(counted, sessions.DiscardAsync(opened, cancellationToken)).ConfigureAwait(false)).First, null);
        }

        if (decision.Outcome != LatchOutcome.Accepted || lockedOutFor <= TimeSpan.Zero)
        {
            return (decision, TimeSpan.Zero, opened);
        }

        // Found locked out: counted in its lockout's summary like any refusal while locked out. Should the lockout
        // have ended in the meantime, the refusal stands all the same, with the time the lookup found.
        var left = await lockout.GetRemainingAsync(clientIp, user, cancellationToken).ConfigureAwait(false);
        return (decision, left > TimeSpan.Zero ? left : lockedOutFor, opened);
    }

    /// <summary>
    /// A locked-out client or user consumes nothing: the session this presentation opened is taken back, and the code
    /// it took put back. Should the store fail now, the code stays consumed (fail closed: its owner needs a new one)
    /// and the answer is still 429; a session not taken back was never handed out.
    /// </summary>
    private async ValueTask RestoreAsync(LatchDecision decision, OpenedSession? opened, CancellationToken cancellationToken)
    {
        if (opened is not null)
        {
            try
            {
                await sessions.DiscardAsync(opened, cancellationToken).ConfigureAwait(false);
            }
            catch (LatchStoreUnavailableException exception)
            {
                Log.SessionDiscardFailed(logger, RouteId, opened.Session.Id, exception.Message);
            }
        }

        try
        {
            await burner.RestoreAsync(decision, cancellationToken).ConfigureAwait(false);
        }
        catch (LatchStoreUnavailableException exception)
        {
            Log.RestoreFailed(logger, RouteId, decision.Record?.Id, exception);
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
