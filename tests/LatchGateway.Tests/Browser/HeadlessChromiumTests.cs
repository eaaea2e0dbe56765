using System.Collections.Concurrent;
using System.Net;
using LatchGateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using OpenQA.Selenium;

namespace LatchGateway.Tests.Browser;

/// <summary>
/// The browser harness end to end against a real page on a loopback port: a labelled, autofocused field typed into
/// and submitted, and an HttpOnly cookie the browser keeps from a script yet sends when a link is followed.
/// </summary>
[Collection(nameof(BrowserGroup))]
public sealed class HeadlessChromiumTests : IAsyncLifetime
{
    private const string FormPage = """
        <!doctype html>
        <html><head><title>Unlock</title></head><body>
        <form method="get">
          <label for="code">Unlock code</label>
          <input id="code" name="latch_code" autocomplete="off" autofocus>
          <button type="submit">Unlock</button>
        </form>
        </body></html>
        """;

    private readonly ConcurrentQueue<(string Path, string Query, string Cookie)> _received = new();
    private LoopbackApp _site = null!;

    public async Task InitializeAsync() => _site = await LoopbackApp.StartAsync("browser-site", ServeAsync);

    public async Task DisposeAsync() => await _site.DisposeAsync();

    [Fact]
    public void Typed_code_submitted_through_the_labelled_field_lands_in_the_query()
    {
        using var browser = HeadlessChromium.Start();
        browser.GoTo(new Uri(_site.Address, "unlock"));

        var field = browser.FindByLabel("Unlock code");
        Assert.Equal("latch_code", field.GetDomAttribute("name"));
        browser.WaitForFocus(field, "the autofocused code field");
        HeadlessChromium.Type(field, "AB12-CD34");
        HeadlessChromium.Submit(field);

        var landed = browser.WaitForUrl(u => u.Query.Length > 0, "the form's query");
        Assert.Equal("/unlock", landed.AbsolutePath);
        Assert.Equal("?latch_code=AB12-CD34", landed.Query);
        Assert.Contains("received AB12-CD34", browser.WaitForText("received"), StringComparison.Ordinal);
        Assert.Contains(_received, r => r is { Path: "/unlock", Query: "?latch_code=AB12-CD34" });
    }

    [Fact]
    public void HttpOnly_cookie_is_hidden_from_scripts_and_sent_when_a_link_is_followed()
    {
        using var browser = HeadlessChromium.Start();
        browser.GoTo(new Uri(_site.Address, "session"));

        var cookie = browser.Cookie("latch_session");
        Assert.NotNull(cookie);
        Assert.True(cookie.IsHttpOnly, "latch_session is not HttpOnly in the browser");
        Assert.Equal("s3cr3t", cookie.Value);
        var scriptView = (string)((IJavaScriptExecutor)browser.Driver).ExecuteScript("return document.cookie;")!;
        Assert.DoesNotContain("latch_session", scriptView, StringComparison.Ordinal);

        browser.ClickLink("Continue");
        browser.WaitForUrl(u => u.AbsolutePath == "/next", "/next");
        Assert.Contains("cookie seen", browser.WaitForText("cookie"), StringComparison.Ordinal);
        Assert.Contains(_received, r => r.Path == "/next" && r.Cookie == "latch_session=s3cr3t");
    }

    private async Task ServeAsync(HttpContext context)
    {
        var request = context.Request;
        _received.Enqueue((request.Path.Value ?? "", request.QueryString.Value ?? "", request.Headers.Cookie.ToString()));
        context.Response.ContentType = "text/html; charset=utf-8";
        switch (request.Path.Value)
        {
            case "/unlock" when request.Query.TryGetValue("latch_code", out var code):
                await context.Response.WriteAsync($"<!doctype html><p>received {WebUtility.HtmlEncode(code.ToString())}</p>");
                break;
            case "/unlock":
                await context.Response.WriteAsync(FormPage);
                break;
            case "/session":
                context.Response.Cookies.Append("latch_session", "s3cr3t", new CookieOptions { HttpOnly = true, Path = "/", SameSite = SameSiteMode.Strict });
                await context.Response.WriteAsync("<!doctype html><p>Signed in.</p><a href=\"/next\">Continue</a>");
                break;
            case "/next":
                var seen = request.Cookies.ContainsKey("latch_session") ? "cookie seen" : "cookie missing";
                await context.Response.WriteAsync($"<!doctype html><p>{seen}</p>");
                break;
            default:
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                break;
        }
    }
}
