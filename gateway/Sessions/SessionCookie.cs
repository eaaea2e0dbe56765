using System.Globalization;
using System.Text;

namespace LatchGateway.Sessions;

/// <summary>
/// The session cookie: <c>Latch-Session-&lt;route id&gt;=&lt;token&gt;; Path=/; HttpOnly; SameSite=Strict; Max-Age=…</c>,
/// with <c>Secure</c> and the <c>__Host-</c> prefix over HTTPS. No backend ever sees one: every forwarded request
/// loses every session cookie (<see cref="RemoveAll"/>), the others passing byte for byte.
/// </summary>
internal static class SessionCookie
{
    public const string Prefix = "Latch-Session-";

    public const string SecurePrefix = "__Host-";

    /// <summary>The header for clients without cookies.</summary>
    public const string HeaderName = "X-Latch-Session";

    public static string Set(SessionRoute route, string token, TimeSpan left, bool https) =>
        Format(route, token, Math.Max(0, (long)Math.Floor(left.TotalSeconds)), https);

    /// <summary>A cookie that makes the browser forget the session.</summary>
    public static string Clear(SessionRoute route, bool https) => Format(route, "", 0, https);

    /// <summary>The session token a request carries for <paramref name="route"/>: its cookie, else the header.</summary>
    public static string? Read(HttpRequest request, SessionRoute route)
    {
        var cookies = request.Cookies;
        if (cookies.TryGetValue(route.SecureCookieName, out var token) && !string.IsNullOrEmpty(token))
        {
            return token;
        }

        if (cookies.TryGetValue(route.CookieName, out token) && !string.IsNullOrEmpty(token))
        {
            return token;
        }

        var header = request.Headers[HeaderName];
        return header.Count == 1 && !string.IsNullOrEmpty(header[0]) ? header[0] : null;
    }

    /// <summary>Cheap test: can this <c>Cookie</c> header hold a session cookie?</summary>
    public static bool MayHoldSession(string? cookieHeader) =>
        cookieHeader is not null && cookieHeader.Contains(Prefix, StringComparison.OrdinalIgnoreCase);

    /// <summary>The <c>Cookie</c> header without any session cookie; the other cookies exactly as sent.</summary>
    public static string RemoveAll(string cookieHeader)
    {
        var kept = new StringBuilder(cookieHeader.Length);
        foreach (var range in cookieHeader.AsSpan().Split(';'))
        {
            var pair = cookieHeader.AsSpan(range);
            var name = pair.TrimStart();
            var equals = name.IndexOf('=');
            name = (equals < 0 ? name : name[..equals]).TrimEnd();
            if (IsSessionCookieName(name))
            {
                continue;
            }

            if (kept.Length > 0)
            {
                kept.Append(';');
            }

            kept.Append(kept.Length == 0 ? pair.TrimStart() : pair);
        }

        return kept.ToString();
    }

    /// <summary>Whether a route id can be part of a cookie name (an RFC 9110 token).</summary>
    public static bool IsTokenName(string name)
    {
        if (name.Length == 0)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal)))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsSessionCookieName(ReadOnlySpan<char> name)
    {
        if (name.StartsWith(SecurePrefix, StringComparison.OrdinalIgnoreCase))
        {
            name = name[SecurePrefix.Length..];
        }

        return name.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase);
    }

    private static string Format(SessionRoute route, string token, long maxAge, bool https) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"{(https ? route.SecureCookieName : route.CookieName)}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={maxAge}{(https ? "; Secure" : "")}");
}
