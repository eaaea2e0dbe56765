using LatchGateway.Configuration;
using LatchGateway.Identity;
using Microsoft.Net.Http.Headers;
using Yarp.ReverseProxy.Transforms;

namespace LatchGateway.Transforms;

/// <summary>
/// First transform of every route, latched or not: drops client-sent <c>X-Latch-*</c> headers and the
/// <c>latch_code</c> query parameter from the forwarded request, so no backend ever sees a code or a forged
/// <c>X-Latch-Id</c>. Header names are read as CGI-style backends read them (<see cref="CgiHeaderName"/>):
/// <c>X_Latch_Id</c> goes like <c>X-Latch-Id</c>, and so does any other spelling of the identity header
/// (<c>Latch:Identity:Header</c>), <c>X_Forwarded_User</c> for <c>X-Forwarded-User</c>, whoever sent it. The
/// identity header under its own name is left to <see cref="IdentityHeaderFilter"/>, which has already removed it
/// unless a trusted proxy sent it.
/// </summary>
internal sealed class LatchRequestScrubber(LiveOptions<LatchIdentityOptions> identity) : RequestTransform
{
    public override ValueTask ApplyAsync(RequestTransformContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        RemoveReservedHeaders(context.ProxyRequest.Headers, identity.Current.Header);
        RemoveSessionCookies(context.ProxyRequest.Headers);

        var request = context.HttpContext.Request;
        if (PresentedCode.MayCarryCode(request.QueryString) && request.Query.ContainsKey(PresentedCode.QueryName))
        {
            var filtered = new DefaultHttpContext();
            filtered.Request.QueryString = QueryStringFilter.Remove(request.QueryString, PresentedCode.QueryName);
            context.Query = new QueryTransformContext(filtered.Request);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Whether a client may not send <paramref name="name"/> on: it is an <c>X-Latch-*</c> header in any spelling,
    /// or the identity header spelled otherwise than configured.
    /// </summary>
    internal static bool IsReserved(string name, string? identityHeader) =>
        CgiHeaderName.StartsWith(name, PresentedCode.ReservedHeaderPrefix)
        || (identityHeader is not null
            && CgiHeaderName.SameVariable(name, identityHeader)
            && !name.Equals(identityHeader, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// No backend sees a session cookie, of its own route or another's (cookies with <c>Path=/</c> go to every
    /// path): they are taken out of <c>Cookie</c>, the other cookies kept byte for byte.
    /// </summary>
    private static void RemoveSessionCookies(System.Net.Http.Headers.HttpRequestHeaders headers)
    {
        if (!headers.NonValidated.TryGetValues(HeaderNames.Cookie, out var values))
        {
            return;
        }

        var cookie = values.Count == 1 ? values.ToString() : string.Join("; ", values);
        if (!Sessions.SessionCookie.MayHoldSession(cookie))
        {
            return;
        }

        headers.Remove(HeaderNames.Cookie);
        var kept = Sessions.SessionCookie.RemoveAll(cookie);
        if (kept.Length > 0)
        {
            headers.TryAddWithoutValidation(HeaderNames.Cookie, kept);
        }
    }

    private static void RemoveReservedHeaders(System.Net.Http.Headers.HttpRequestHeaders headers, string? identityHeader)
    {
        List<string>? reserved = null;
        foreach (var header in headers.NonValidated)
        {
            if (IsReserved(header.Key, identityHeader))
            {
                (reserved ??= []).Add(header.Key);
            }
        }

        if (reserved is not null)
        {
            foreach (var name in reserved)
            {
                headers.Remove(name);
            }
        }
    }
}
