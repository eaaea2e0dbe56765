using System.Globalization;

namespace LatchGateway.Sessions;

/// <summary>
/// A route latched in session mode (<c>{ "Latch": "Session" }</c>) and its optional <c>SessionLifetime</c> and
/// <c>SessionIdleTimeout</c> (<c>hh:mm:ss</c>), read from its transform entry.
/// </summary>
internal sealed record SessionRoute(string RouteId, TimeSpan Lifetime, TimeSpan? IdleTimeout)
{
    public const string LifetimeKey = "SessionLifetime";

    public const string IdleTimeoutKey = "SessionIdleTimeout";

    /// <summary>The cookie that carries the session: <c>Latch-Session-&lt;route id&gt;</c>, with <c>__Host-</c> over HTTPS.</summary>
    public string CookieName { get; } = SessionCookie.Prefix + RouteId;

    public string SecureCookieName { get; } = SessionCookie.SecurePrefix + SessionCookie.Prefix + RouteId;

    /// <summary>Reads a Session route's settings; false with the reason (naming the route) when they are not valid.</summary>
    public static bool TryRead(
        string routeId, IReadOnlyDictionary<string, string> values, LatchSessionOptions options, out SessionRoute? route, out string? error)
    {
        route = null;
        error = null;
        if (!SessionCookie.IsTokenName(routeId))
        {
            error = $"Route '{routeId}': a Session route's id names its cookie and may hold only letters, digits and !#$%&'*+-.^_`|~.";
            return false;
        }

        var lifetime = options.DefaultLifetime;
        if (values.TryGetValue(LifetimeKey, out var text) && !TryParse(text, out lifetime))
        {
            error = $"Route '{routeId}': {LifetimeKey} '{text}' is not a duration such as 00:15:00.";
            return false;
        }

        if (lifetime <= TimeSpan.Zero || lifetime > options.MaxLifetime)
        {
            error = $"Route '{routeId}': {LifetimeKey} must be positive and at most {LatchSessionOptions.SectionName}:MaxLifetime ({options.MaxLifetime}); it is {lifetime}.";
            return false;
        }

        TimeSpan? idle = null;
        if (values.TryGetValue(IdleTimeoutKey, out text))
        {
            if (!TryParse(text, out var parsed) || parsed <= TimeSpan.Zero || parsed > lifetime)
            {
                error = $"Route '{routeId}': {IdleTimeoutKey} '{text}' must be a positive duration such as 00:05:00, at most the session lifetime ({lifetime}).";
                return false;
            }

            idle = parsed;
        }

        route = new SessionRoute(routeId, lifetime, idle);
        return true;
    }

    private static bool TryParse(string text, out TimeSpan value) =>
        TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out value);
}
