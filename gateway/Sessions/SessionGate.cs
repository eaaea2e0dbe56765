using System.Net;
using System.Security.Cryptography;
using LatchGateway.Audit;
using LatchGateway.Burn;
using LatchGateway.Codes;
using LatchGateway.Diagnostics;
using LatchGateway.Notifications;
using LatchGateway.Transforms;

namespace LatchGateway.Sessions;

/// <summary>
/// The session side of a Session route: lets a request through on its session (cookie or <c>X-Latch-Session</c>),
/// and opens a session when a code is accepted. A session works only on its route, from inside its network, for
/// its user; it ends at its end time, after its idle timeout, or when revoked. Opening and ending are audited and
/// counted; a request served by a session is not a presentation.
/// </summary>
internal sealed class SessionGate(
    ISessionStore store,
    CodeHasher hasher,
    AuditTrail audit,
    LatchMetrics metrics,
    NotificationPublisher notifications,
    TimeProvider timeProvider,
    ILogger<SessionGate> logger)
{
    /// <summary>A token is 256 random bits, base64url without padding: 43 characters.</summary>
    private const int TokenLength = 43;

    /// <summary>
    /// The open session this request carries for <paramref name="route"/>, its use noted; null when it carries
    /// none, or one that is unknown, ended or not this client's (<paramref name="presented"/> then says whether
    /// a token was sent, so its cookie can be cleared). A session found ended is reported here.
    /// </summary>
    public async ValueTask<LatchSession?> UseAsync(
        HttpRequest request, SessionRoute route, IPAddress? clientIp, string? user, CancellationToken cancellationToken)
    {
        var token = SessionCookie.Read(request, route);
        if (token is null || token.Length != TokenLength)
        {
            return null;
        }

        var lookup = await store.UseAsync(hasher.Compute(token), timeProvider.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        if (lookup.Session is not { } session)
        {
            return null;
        }

        if (lookup.State != SessionState.Open)
        {
            Ended(session, lookup.State == SessionState.Idle ? "idle" : "expired", null, clientIp);
            return null;
        }

        var bound = string.Equals(session.Route, route.RouteId, StringComparison.Ordinal)
            && clientIp is not null && session.Network.Contains(clientIp)
            && (session.User is null || string.Equals(session.User, user, StringComparison.Ordinal));
        if (!bound)
        {
            Log.SessionRefused(logger, route.RouteId, session.Id, clientIp);
            return null;
        }

        return session;
    }

    /// <summary>
    /// Burns a code presented on a Session route and opens its session: on a store that can (Redis), in the same
    /// atomic step as the consume — one script, one round trip, sent before this returns — else just after an
    /// accepted consume. The session is opened before the presentation is judged whole (the client's address, its
    /// lockout): the caller announces it (<see cref="AnnounceAsync"/>) when the presentation is accepted, and
    /// discards it (<see cref="DiscardAsync"/>) when not. A code opens at most one session.
    /// </summary>
    public async ValueTask<(LatchDecision Decision, OpenedSession? Opened)> PresentAsync(
        CodeBurner burner, CodeDigest digest, SessionRoute route, IPAddress? clientIp, string? user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(burner);
        ArgumentNullException.ThrowIfNull(route);
        var now = timeProvider.GetUtcNow();
        if (store is ISessionOpeningStore opening)
        {
            // The session's token and id are drawn in the code's shard: the code and its session share one slot.
            var shard = CodeShard.Of(digest);
            var (token, tokenDigest) = NewToken(shard);
            var draft = new SessionDraft(CodeShard.NewId(digest), tokenDigest, route, user, SingleHost(clientIp), now);
            var (consumed, session) = await opening.ConsumeAndOpenAsync(digest, draft, cancellationToken).ConfigureAwait(false);
            var judged = burner.Decide(consumed, route.RouteId, clientIp, user);
            return (judged, session is null ? null : new OpenedSession(session, token, draft.LifetimeFor(consumed.Record!)));
        }

        var decision = await burner.ConsumeAsync(digest, route.RouteId, clientIp, user, cancellationToken).ConfigureAwait(false);
        if (decision.Outcome != LatchOutcome.Accepted)
        {
            return (decision, null);
        }

        var plain = NewToken();
        var opened = new SessionDraft(NewId(), hasher.Compute(plain), route, user, SingleHost(clientIp), now);
        var added = opened.For(decision.Record!);
        if (!await store.TryAddAsync(added, cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidOperationException("A fresh session token or id collided with a stored one.");
        }

        return (decision, new OpenedSession(added, plain, opened.LifetimeFor(decision.Record!)));
    }

    /// <summary>Takes back a session <see cref="PresentAsync"/> opened for a presentation refused after all; nothing is reported.</summary>
    public ValueTask<bool> DiscardAsync(OpenedSession opened, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(opened);
        return store.DiscardAsync(opened.Session, cancellationToken);
    }

    /// <summary>
    /// Announces the session an accepted code opened and hands the client its cookie: a <c>GET</c>/<c>HEAD</c> that
    /// brought the code in the query string is answered <c>303</c> to the same URL without it (true: the request is
    /// answered); any other request goes on, the cookie added to the backend's answer.
    /// </summary>
    public async ValueTask<bool> AnnounceAsync(HttpContext http, SessionRoute route, OpenedSession opened, IPAddress? clientIp, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(route);
        ArgumentNullException.ThrowIfNull(opened);
        var (session, token, lifetime) = opened;
        metrics.SessionOpened(route.RouteId);
        audit.SessionOpened(session, clientIp);
        Log.SessionOpened(logger, route.RouteId, session.Id, session.CodeId, session.ExpiresAt);
        await notifications.PublishAsync(
            NotificationEvents.SessionOpened,
            new NotificationData { SessionId = session.Id, CodeId = session.CodeId, Route = route.RouteId, User = session.User, ClientIp = clientIp?.ToString(), ExpiresAt = session.ExpiresAt },
            cancellationToken).ConfigureAwait(false);
        var cookie = SessionCookie.Set(route, token, lifetime, http.Request.IsHttps);

        var request = http.Request;
        if ((HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)) && PresentedCode.CameFromQuery(request))
        {
            var response = http.Response;
            response.StatusCode = StatusCodes.Status303SeeOther;
            response.Headers.Location = request.PathBase + request.Path + QueryStringFilter.Remove(request.QueryString, PresentedCode.QueryName);
            response.Headers.CacheControl = "no-store";
            response.Headers.SetCookie = cookie;
            response.ContentLength = 0;

            // A status other than 200 is YARP's sign that the request was answered: nothing is forwarded.
            return true;
        }

        http.Response.OnStarting(
            static state =>
            {
                var (response, value) = ((HttpResponse, string))state;
                response.Headers.Append(Microsoft.Net.Http.Headers.HeaderNames.SetCookie, value);
                return Task.CompletedTask;
            },
            (http.Response, cookie));
        return false;
    }

    /// <summary>Reports a session that ended (expired, idle) or was ended (revoked, by <paramref name="actor"/>).</summary>
    public void Ended(LatchSession session, string reason, string? actor, IPAddress? clientIp)
    {
        metrics.SessionEnded(session.Route, reason);
        audit.SessionEnded(session, reason, actor, clientIp);
        if (actor is null)
        {
            Log.SessionEnded(logger, session.Route, session.Id, reason);
        }
        else
        {
            Log.SessionRevoked(logger, session.Id, session.CodeId, session.Route, actor);
        }
    }

    /// <summary>The opening client's address alone; a client without one opens a session no request can match.</summary>
    private static IPNetwork SingleHost(IPAddress? clientIp) =>
        clientIp is null ? new IPNetwork(IPAddress.None, 32) : new IPNetwork(clientIp, clientIp.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? 128 : 32);

    private static string NewToken() => Base64Url(RandomNumberGenerator.GetBytes(32));

    /// <summary>
    /// A token (256 random bits, as any) whose keyed digest falls in <paramref name="shard"/>: tokens are drawn until
    /// one does, 32 draws on average. Without the hash key nobody can tell which shard a token falls in.
    /// </summary>
    private (string Token, CodeDigest Digest) NewToken(int shard)
    {
        while (true)
        {
            var token = NewToken();
            var digest = hasher.Compute(token);
            if (CodeShard.Of(digest) == shard)
            {
                return (token, digest);
            }
        }
    }

    private static string NewId() => Base64Url(RandomNumberGenerator.GetBytes(12));

    private static string Base64Url(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);
}
