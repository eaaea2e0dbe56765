using System.Globalization;
using LatchGateway.Tests.Access;
using LatchGateway.Tests.Infrastructure;

namespace LatchGateway.Tests.Notifications;

/// <summary>
/// <c>Latch:Notifications</c> keys as an operator writes them, for the end-to-end tests: channels pointing at the
/// tests' receivers (loopback HTTP, an in-process SMTP server), rules, and the retry settings.
/// </summary>
internal static class NotificationEndToEndSettings
{
    /// <summary>The signing secret of every Webhook channel in these tests (32 random-looking bytes).</summary>
    public static readonly string Secret = "whsec_" + Convert.ToBase64String([.. Enumerable.Range(0, 32).Select(i => (byte)(0x3C ^ (i * 37)))]);

    /// <summary>The sender of every Smtp channel in these tests.</summary>
    public const string From = "latch@example.com";

    /// <summary>
    /// The channel timeout of the tests on a fake clock: the longest allowed, because such a test moves the clock
    /// faster than real time passes while a receiver answers, and a shorter timeout would run out on the fake clock
    /// before a busy machine has carried the answer back.
    /// </summary>
    public static readonly TimeSpan FakeClockTimeout = TimeSpan.FromMinutes(2);

    private const string Section = "Latch:Notifications";

    /// <summary>The access test settings (<see cref="AccessSettings.Standard"/>) with <paramref name="more"/> added.</summary>
    public static Dictionary<string, string?> AccessWith(params IReadOnlyDictionary<string, string?>[] more) =>
        AbuseHttp.Merge(AccessSettings.Standard(), more);

    public static Dictionary<string, string?> Webhook(string name, Uri url, TimeSpan? timeout = null, bool carriesCodes = false, string? secret = null) =>
        Channel(name, "Webhook", timeout, carriesCodes, ("Url", url.ToString()), ("Secret", secret ?? Secret));

    public static Dictionary<string, string?> Slack(string name, Uri url, TimeSpan? timeout = null) =>
        Channel(name, "Slack", timeout, carriesCodes: false, ("Url", url.ToString()));

    /// <summary>An Smtp channel to a server on loopback <paramref name="port"/>, without TLS (a test server).</summary>
    public static Dictionary<string, string?> Smtp(string name, int port, string[] to, TimeSpan? timeout = null, bool carriesCodes = false)
    {
        var settings = Channel(
            name, "Smtp", timeout, carriesCodes,
            ("Host", "127.0.0.1"), ("Port", port.ToString(CultureInfo.InvariantCulture)), ("Security", "None"), ("From", From));
        for (var i = 0; i < to.Length; i++)
        {
            settings[$"{Section}:Channels:{name}:To:{i}"] = to[i];
        }

        return settings;
    }

    /// <summary>Rule number <paramref name="index"/>: <paramref name="events"/> to <paramref name="channels"/>, <c>All</c> or <c>Fallback</c>.</summary>
    public static Dictionary<string, string?> Rule(int index, string[] events, string[] channels, string mode = "All")
    {
        var key = $"{Section}:Rules:{index.ToString(CultureInfo.InvariantCulture)}";
        var settings = new Dictionary<string, string?> { [$"{key}:Mode"] = mode };
        for (var i = 0; i < events.Length; i++)
        {
            settings[$"{key}:Events:{i}"] = events[i];
        }

        for (var i = 0; i < channels.Length; i++)
        {
            settings[$"{key}:Channels:{i}"] = channels[i];
        }

        return settings;
    }

    /// <summary><c>MaxAttempts</c> and <c>RetryDelay</c>.</summary>
    public static Dictionary<string, string?> Retries(int maxAttempts, TimeSpan retryDelay) => new()
    {
        [$"{Section}:MaxAttempts"] = maxAttempts.ToString(CultureInfo.InvariantCulture),
        [$"{Section}:RetryDelay"] = retryDelay.ToString("c", CultureInfo.InvariantCulture),
    };

    private static Dictionary<string, string?> Channel(string name, string type, TimeSpan? timeout, bool carriesCodes, params (string Key, string Value)[] keys)
    {
        var prefix = $"{Section}:Channels:{name}";
        var settings = new Dictionary<string, string?> { [$"{prefix}:Type"] = type };
        foreach (var (key, value) in keys)
        {
            settings[$"{prefix}:{key}"] = value;
        }

        if (timeout is { } t)
        {
            settings[$"{prefix}:Timeout"] = t.ToString("c", CultureInfo.InvariantCulture);
        }

        if (carriesCodes)
        {
            settings[$"{prefix}:CarriesCodes"] = "true";
        }

        return settings;
    }
}
