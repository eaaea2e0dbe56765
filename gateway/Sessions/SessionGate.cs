using System.Net;
using System.Security.Cryptography;
using LatchGateway.Audit;
using LatchGateway.Codes;
using LatchGateway.Diagnostics;
using LatchGateway.Notifications;
using LatchGateway.Store;
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
    /// Opens a session for an accepted code and hands the client its cookie: a <c>GET</c>/<c>HEAD</c> that brought
    /// the code in the query string is answered <c>303</c> to the same URL without it (true: the request is
    /// answered); any other request goes on, the cookie added to the backend's answer.
    /// </summary>
    public async ValueTask<bool> OpenAsync(HttpContext http, SessionRoute route, LatchCodeRecord code, IPAddress? clientIp, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var lifetime = code.SessionLifetime is { } asked && asked < route.Lifetime ? asked : route.Lifetime;
        var network = code.Network ?? SingleHost(clientIp);
        var token = NewToken();
        var session = new LatchSession(
            NewId(), hasher.Compute(token), code.Id, route.RouteId, code.User, network, now, now + lifetime, route.IdleTimeout);
        if (!await store.TryAddAsync(session, cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidOperationException("A fresh session token or id collided with a stored one.");
        }

        metrics.SessionOpened(route.RouteId);
        audit.SessionOpened(session, clientIp);
        Log.SessionOpened(logger, route.RouteId, session.Id, code.Id, session.ExpiresAt);
        await notifications.PublishAsync(
            NotificationEvents.SessionOpened,
            new NotificationData { SessionId = session.Id, CodeId = code.Id, Route = route.RouteId, User = code.User, ClientIp = clientIp?.ToString(), ExpiresAt = session.ExpiresAt },
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

    private static string NewId() => Base64Url(RandomNumberGenerator.GetBytes(12));

    private static string Base64Url(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);
}
