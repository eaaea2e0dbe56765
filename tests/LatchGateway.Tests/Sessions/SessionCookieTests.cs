using LatchGateway.Sessions;
using Microsoft.AspNetCore.Http;

namespace LatchGateway.Tests.Sessions;

/// <summary>
/// The session cookie: every session cookie (any route, with or without <c>__Host-</c>) leaves the <c>Cookie</c>
/// header, the others staying byte for byte in their order; its <c>Set-Cookie</c> over HTTP and HTTPS.
/// </summary>
public sealed class SessionCookieTests
{
    [Theory]
    [InlineData("a=1; Latch-Session-console=tok; b=\"x y\"", "a=1; b=\"x y\"")]
    [InlineData("Latch-Session-console=tok; a=1; b=2", "a=1; b=2")]
    [InlineData("a=1;b=2; Latch-Session-desk=tok", "a=1;b=2")]
    [InlineData("a=1;  __Host-Latch-Session-console=tok;b=2", "a=1;b=2")]
    [InlineData("latch-session-Console=tok; z=  spaced  ", "z=  spaced  ")]
    [InlineData("Latch-Session-a=1; __Host-Latch-Session-b=2", "")]
    [InlineData("Latch-Sessions=keep; Latch-Session=keep2; x-Latch-Session-a=keep3", "Latch-Sessions=keep; Latch-Session=keep2; x-Latch-Session-a=keep3")]
    [InlineData("c=Latch-Session-a; d", "c=Latch-Session-a; d")]
    [InlineData("b=2; a=1", "b=2; a=1")]
    public void RemoveAll_takes_out_only_session_cookies_and_keeps_the_rest_byte_for_byte(string header, string expected) =>
        Assert.Equal(expected, SessionCookie.RemoveAll(header));

    [Fact]
    public void Over_https_the_cookie_is_host_only_and_secure_and_clearing_it_has_max_age_zero()
    {
        var route = new SessionRoute("console", TimeSpan.FromMinutes(15), null);

        Assert.Equal(
            "__Host-Latch-Session-console=tok; Path=/; HttpOnly; SameSite=Strict; Max-Age=899; Secure",
            SessionCookie.Set(route, "tok", TimeSpan.FromSeconds(899.7), https: true));
        Assert.Equal("Latch-Session-console=tok; Path=/; HttpOnly; SameSite=Strict; Max-Age=900", SessionCookie.Set(route, "tok", TimeSpan.FromMinutes(15), https: false));
        Assert.Equal("__Host-Latch-Session-console=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0; Secure", SessionCookie.Clear(route, https: true));
        Assert.Equal("Latch-Session-console=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0", SessionCookie.Clear(route, https: false));
    }

    [Theory]
    [InlineData("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", true)]
    [InlineData("text/html,application/xhtml+xml,*/*;q=0.8", true)]
    [InlineData("text/html", true)]
    [InlineData("application/json, text/html;q=0.5", false)]
    [InlineData("text/html;q=0.5, application/json;q=0.5", true)]
    [InlineData("*/*", false)]
    [InlineData("application/json", false)]
    [InlineData("application/problem+json, */*;q=0.1", false)]
    [InlineData("text/html;q=0", false)]
    [InlineData("", false)]
    public void IsPreferredBy_holds_only_when_html_is_accepted_at_least_as_much_as_any_named_type(string accept, bool expected)
    {
        var http = new DefaultHttpContext();
        if (accept.Length > 0)
        {
            http.Request.Headers.Accept = accept;
        }

        Assert.Equal(expected, SessionPage.IsPreferredBy(http.Request));
    }
}
