using System.Net;
using System.Text.Json;
using LatchGateway.Tests.Infrastructure;
using OpenQA.Selenium;

namespace LatchGateway.Tests.Browser;

/// <summary>
/// An unlock session as a person lives it, in a real browser: the latched page answers with a form, a code issued
/// through the admin API is typed in and submitted, the 303 takes the code out of the address bar, the backend's
/// pages follow one another on the session's cookie (HttpOnly, never seen by a script nor by the backend), and a
/// session revoked through the admin API brings the form back.
/// </summary>
[Collection(nameof(BrowserGroup))]
public sealed class SessionBrowserTests : IAsyncLifetime
{
    private const string Route = "console";
    private const string CookieName = "Latch-Session-" + Route;

    private HtmlBackend _backend = null!;
    private GatewayInstance _gateway = null!;

    public async Task InitializeAsync()
    {
        _backend = await HtmlBackend.StartAsync();
        _gateway = await GatewayInstance.StartAsync(_backend.Address, new Dictionary<string, string?>
        {
            [$"ReverseProxy:Routes:{Route}:ClusterId"] = "backend",
            [$"ReverseProxy:Routes:{Route}:Match:Path"] = "/console/{**rest}",
            [$"ReverseProxy:Routes:{Route}:Transforms:0:Latch"] = "Session",
            [$"ReverseProxy:Routes:{Route}:Transforms:0:SessionLifetime"] = "00:15:00",
            [$"ReverseProxy:Routes:{Route}:Transforms:0:SessionIdleTimeout"] = "00:05:00",
        });
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _backend.DisposeAsync();
    }

    [Fact]
    public async Task Code_typed_into_the_form_opens_a_session_the_browser_browses_on_until_it_is_revoked()
    {
        var issued = await _gateway.IssueAsync(route: Route);
        var home = new Uri(_gateway.ProxyAddress, "console/?tab=overview");
        using var browser = HeadlessChromium.Start();

        // No session yet: the gateway's page with the form, its labelled field focused.
        browser.GoTo(home);
        var field = browser.FindByLabel("Latch code");
        browser.WaitForFocus(field, "the autofocused code field");
        Assert.Contains("This page is latched", browser.Text, StringComparison.Ordinal);
        Assert.Empty(_backend.Requests);

        // The code typed and submitted: the 303 lands on the same URL without latch_code, showing the backend's page.
        HeadlessChromium.Type(field, issued.Code);
        HeadlessChromium.Submit(field);
        browser.WaitForText("Backend page /console/");
        Assert.Equal(home, browser.Url);
        Assert.DoesNotContain("latch_code", browser.Url.ToString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(issued.Id, browser.Find("#latch-id").Text);

        // The session cookie: HttpOnly for the browser, invisible to a script.
        var cookie = browser.Cookie(CookieName);
        Assert.NotNull(cookie);
        Assert.True(cookie.IsHttpOnly, $"{CookieName} is not HttpOnly");
        Assert.Equal("Strict", cookie.SameSite);
        Assert.Equal("/", cookie.Path);
        var scriptView = (string)((IJavaScriptExecutor)browser.Driver).ExecuteScript("return document.cookie;")!;
        Assert.DoesNotContain(CookieName, scriptView, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(cookie.Value, scriptView, StringComparison.Ordinal);

        // A link inside the session: the backend's next page, on the session (no new code).
        browser.ClickLink("Reports");
        browser.WaitForText("Backend page /console/reports");
        Assert.Equal("/console/reports", browser.Url.AbsolutePath);
        Assert.Equal(issued.Id, browser.Find("#latch-id").Text);

        // The backend saw the session's code id on every page, never the code nor the session cookie.
        var received = _backend.Requests.ToArray();
        Assert.Equal(["/console/", "/console/reports"], received.Select(r => r.Path));
        Assert.All(received, r =>
        {
            Assert.Equal(issued.Id, r.LatchId);
            Assert.DoesNotContain("latch_code", r.Query, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("Latch-Session", r.Cookie, StringComparison.OrdinalIgnoreCase);
        });

        // Revoked through the admin API: the next load gets the form again, and the backend nothing more.
        await RevokeSessionOfAsync(issued.Id);
        browser.Driver.Navigate().Refresh();
        var again = browser.FindByLabel("Latch code");
        browser.WaitForFocus(again, "the autofocused code field after the revocation");
        Assert.Equal("/console/reports", browser.Url.AbsolutePath);
        Assert.Equal(2, _backend.Requests.Count);
        Assert.Null(browser.Cookie(CookieName));
    }

    private async Task RevokeSessionOfAsync(string codeId)
    {
        using var admin = _gateway.CreateAdminClient();
        using var list = await admin.GetAsync($"admin/sessions?route={Route}");
        var body = await list.Content.ReadAsStringAsync();
        Assert.True(list.StatusCode == HttpStatusCode.OK, body);
        using var sessions = JsonDocument.Parse(body);
        var session = Assert.Single(sessions.RootElement.EnumerateArray());
        Assert.Equal(codeId, session.GetProperty("codeId").GetString());
        Assert.Equal("127.0.0.1", session.GetProperty("clientIp").GetString());
        using var revoked = await admin.DeleteAsync($"admin/sessions/{session.GetProperty("id").GetString()}");
        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
    }
}
