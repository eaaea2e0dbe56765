using System.Collections.ObjectModel;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;

namespace LatchGateway.Tests.Infrastructure;

/// <summary>
/// Debian's Chromium, headless, driven through Debian's chromedriver (both installed by <c>tests/run.sh</c>): a real
/// browser for the tests that must see what a person sees — forms, redirects, cookies a script cannot read. Each
/// instance has a new empty profile (deleted on dispose), so no cookie or cache crosses from one test to the next.
/// Both binaries are named explicitly, so Selenium Manager never runs and nothing is downloaded; a missing binary
/// fails the test with the command that installs it. Browser tests belong to <c>BrowserGroup</c>, one at a time.
/// </summary>
public sealed class HeadlessChromium : IDisposable
{
    public const string BrowserPath = "/usr/bin/chromium";
    public const string DriverPath = "/usr/bin/chromedriver";

    /// <summary>How long a page load, or a wait for a URL, an element or a text, may take before the test fails.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Headless, no sandbox (the tests run as root), no GPU, no QUIC, no proxy, and as little as a fresh profile would
    /// fetch on its own (first-run pages, component updates, sync). Even so Chromium looks up Google's and the default
    /// search engine's hosts at start, so every host name but <c>localhost</c> is made unresolvable inside the
    /// browser: the only traffic is to the test's loopback servers. Shared memory goes to /tmp, since a container's
    /// /dev/shm may be small.
    /// </summary>
    public static readonly IReadOnlyList<string> Arguments =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--no-proxy-server",
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
    ];

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    private readonly ChromeDriverService _service;
    private readonly ChromeDriver _driver;
    private readonly string _folder;

    private HeadlessChromium(ChromeDriverService service, ChromeDriver driver, string folder)
    {
        _service = service;
        _driver = driver;
        _folder = folder;
    }

    /// <summary>The WebDriver, for what the helpers below do not cover.</summary>
    public IWebDriver Driver => _driver;

    /// <summary>The URL of the page the browser is on.</summary>
    public Uri Url => new(_driver.Url);

    /// <summary>The HTML of the page as the browser holds it now.</summary>
    public string PageSource => _driver.PageSource;

    /// <summary>The visible text of the page's body.</summary>
    public string Text => _driver.FindElement(By.TagName("body")).Text;

    /// <summary>Starts chromedriver and a headless Chromium with a new empty profile.</summary>
    public static HeadlessChromium Start()
    {
        Require(BrowserPath, "chromium");
        Require(DriverPath, "chromium-driver");

        // The profile and chromedriver's log live in one temporary folder that goes with the browser.
        var folder = Directory.CreateTempSubdirectory("latch-chromium-").FullName;
        var log = Path.Combine(folder, "chromedriver.log");
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(DriverPath)!, Path.GetFileName(DriverPath));
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        service.LogPath = log;

        var options = new ChromeOptions { BinaryLocation = BrowserPath, PageLoadTimeout = Timeout };
        options.AddArguments(Arguments);
        options.AddArgument("--user-data-dir=" + Path.Combine(folder, "profile"));

        try
        {
            return new HeadlessChromium(service, new ChromeDriver(service, options, TimeSpan.FromSeconds(30)), folder);
        }
        catch (WebDriverException e)
        {
            var tail = File.Exists(log) ? string.Join('\n', File.ReadLines(log).TakeLast(20)) : "(chromedriver wrote no log)";
            service.Dispose();
            Directory.Delete(folder, recursive: true);
            throw new InvalidOperationException($"{BrowserPath} did not start under {DriverPath}: {e.Message}\nchromedriver log:\n{tail}", e);
        }
    }

    /// <summary>Loads <paramref name="url"/> and waits for the page to load.</summary>
    public void GoTo(Uri url) => _driver.Navigate().GoToUrl(url);

    /// <summary>Waits until the URL satisfies <paramref name="done"/>; returns it. <paramref name="what"/> names the wait in the failure.</summary>
    public Uri WaitForUrl(Func<Uri, bool> done, string what)
    {
        ArgumentNullException.ThrowIfNull(done);
        return Wait(d => done(new Uri(d.Url)) ? new Uri(d.Url) : null, $"the URL to be {what}");
    }

    /// <summary>Waits until the page's text contains <paramref name="text"/>; returns the whole text.</summary>
    public string WaitForText(string text) =>
        Wait(_ => Text is var body && body.Contains(text, StringComparison.Ordinal) ? body : null, $"the page to show '{text}'");

    /// <summary>Waits for the element matching the CSS <paramref name="selector"/>.</summary>
    public IWebElement Find(string selector) =>
        Wait(d => d.FindElements(By.CssSelector(selector)).FirstOrDefault(), $"an element '{selector}'");

    /// <summary>
    /// Waits for the form control labelled <paramref name="label"/> (the whole text of a <c>&lt;label&gt;</c>, spaces
    /// normalised): the element its <c>for</c> names, or the control inside it.
    /// </summary>
    public IWebElement FindByLabel(string label) =>
        Wait(
            d =>
            {
                foreach (var element in d.FindElements(By.TagName("label")))
                {
                    if (string.Join(' ', element.Text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)) != label)
                    {
                        continue;
                    }

                    var target = element.GetDomAttribute("for");
                    var controls = string.IsNullOrEmpty(target)
                        ? element.FindElements(By.CssSelector("input, select, textarea"))
                        : d.FindElements(By.Id(target));
                    return controls.FirstOrDefault();
                }

                return null;
            },
            $"a control labelled '{label}'");

    /// <summary>Waits until the focused element is <paramref name="element"/> (e.g. through <c>autofocus</c>).</summary>
    public void WaitForFocus(IWebElement element, string what) =>
        Wait(d => d.SwitchTo().ActiveElement().Equals(element) ? element : null, $"{what} to have the focus");

    /// <summary>Types <paramref name="text"/> into <paramref name="field"/>, replacing what it held.</summary>
    public static void Type(IWebElement field, string text)
    {
        ArgumentNullException.ThrowIfNull(field);
        field.Clear();
        field.SendKeys(text);
    }

    /// <summary>Submits the form that holds <paramref name="field"/> by clicking its submit button, as a person would.</summary>
    public static void Submit(IWebElement field)
    {
        ArgumentNullException.ThrowIfNull(field);
        var form = field.FindElement(By.XPath("ancestor::form"));
        form.FindElement(By.CssSelector("button:not([type]), button[type=submit], input[type=submit]")).Click();
    }

    /// <summary>Clicks the link whose text is <paramref name="text"/>.</summary>
    public void ClickLink(string text) =>
        Wait(d => d.FindElements(By.LinkText(text)).FirstOrDefault(), $"a link '{text}'").Click();

    /// <summary>The cookies the browser holds for the current page, HttpOnly ones included.</summary>
    public ReadOnlyCollection<Cookie> Cookies => _driver.Manage().Cookies.AllCookies;

    /// <summary>The cookie named <paramref name="name"/> for the current page, or null.</summary>
    public Cookie? Cookie(string name) => _driver.Manage().Cookies.GetCookieNamed(name);

    public void Dispose()
    {
        try
        {
            _driver.Quit();
        }
        finally
        {
            _driver.Dispose();
            _service.Dispose();
            Directory.Delete(_folder, recursive: true);
        }
    }

    private T Wait<T>(Func<IWebDriver, T?> condition, string what)
        where T : class
    {
        var wait = new WebDriverWait(_driver, Timeout) { PollingInterval = PollInterval };
        wait.IgnoreExceptionTypes(typeof(StaleElementReferenceException));
        try
        {
            return wait.Until(condition)!;
        }
        catch (WebDriverTimeoutException e)
        {
            throw new WebDriverTimeoutException($"waited {Timeout.TotalSeconds} s for {what}; the browser is at {_driver.Url}", e);
        }
    }

    private static void Require(string path, string package)
    {
        if (!File.Exists(path))
        {
            throw new InvalidOperationException(
                $"{path} is missing: the browser tests drive Debian's Chromium. Run tests/run.sh (it installs it), "
                + $"or apt-get install --no-install-recommends chromium chromium-driver (package {package}).");
        }
    }
}
