using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LatchGateway.Tests.Infrastructure;

namespace LatchGateway.Tests.Notifications;

/// <summary>A webhook as a receiver got it, its Standard Webhooks signature checked with the test's own HMAC.</summary>
internal sealed record WebhookMessage(string Id, long Timestamp, string Type, JsonElement Data, string Path, string Text)
{
    /// <summary>A string member of <c>data</c>, or null when absent.</summary>
    public string? this[string member] => Data.TryGetProperty(member, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

/// <summary>
/// What the gateway's notifications look like from the outside: the webhooks a receiver got (each signature verified
/// here, without the package the gateway signs with), the mails an SMTP server took, and
/// <c>latch_notifications_total</c> as <c>/metrics</c> shows it.
/// </summary>
internal static class NotificationEndToEndInbox
{
    /// <summary>How long a test waits for a message the gateway should send: generous, the machine may be busy.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    /// <summary>How far <see cref="AdvanceUntilAsync"/> moves a fake clock at each look.</summary>
    public static readonly TimeSpan Nudge = TimeSpan.FromMilliseconds(250);

    /// <summary>A little longer than the Prometheus exporter's scrape-response cache (300 ms by default).</summary>
    private static readonly TimeSpan ScrapeCache = TimeSpan.FromMilliseconds(350);

    /// <summary>
    /// The request as a webhook: asserts the <c>webhook-id</c>, <c>webhook-timestamp</c> and <c>webhook-signature</c>
    /// headers, the signature being <c>v1,</c> + base64 HMAC-SHA256 of <c>id.timestamp.body</c> under the secret's bytes.
    /// </summary>
    public static WebhookMessage Verify(ChannelReceiver.Received request, string? secret = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        Assert.Equal("POST", request.Method);
        Assert.StartsWith("application/json", request.Headers["content-type"], StringComparison.Ordinal);
        Assert.True(request.Headers.TryGetValue("webhook-id", out var id) && id.Length > 0, "webhook-id missing");
        Assert.True(request.Headers.TryGetValue("webhook-timestamp", out var timestamp), "webhook-timestamp missing");
        Assert.True(request.Headers.TryGetValue("webhook-signature", out var signature), "webhook-signature missing");
        var key = Convert.FromBase64String((secret ?? NotificationEndToEndSettings.Secret)["whsec_".Length..]);
        var signed = Encoding.UTF8.GetBytes($"{id}.{timestamp}.").Concat(request.Body).ToArray();
        Assert.Equal("v1," + Convert.ToBase64String(HMACSHA256.HashData(key, signed)), signature);

        using var body = JsonDocument.Parse(request.Body);
        var root = body.RootElement;
        Assert.Equal(["type", "timestamp", "data"], root.EnumerateObject().Select(p => p.Name));
        return new WebhookMessage(
            id,
            long.Parse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture),
            root.GetProperty("type").GetString()!,
            root.GetProperty("data").Clone(),
            request.PathAndQuery,
            request.Text);
    }

    /// <summary>Every webhook <paramref name="receiver"/> got on <paramref name="path"/>, verified, oldest first.</summary>
    public static List<WebhookMessage> Webhooks(ChannelReceiver receiver, string path) =>
        [.. receiver.Requests.Where(r => r.PathAndQuery == path).Select(r => Verify(r))];

    /// <summary>
    /// Waits for a webhook on <paramref name="path"/> that <paramref name="match"/> accepts; fails the test naming
    /// <paramref name="what"/> if none comes within <see cref="Patience"/>.
    /// </summary>
    public static async Task<WebhookMessage> WaitForWebhookAsync(ChannelReceiver receiver, string path, Func<WebhookMessage, bool> match, string what)
    {
        WebhookMessage? found = null;
        var arrived = await LatchHttp.EventuallyAsync(
            () => Task.FromResult((found = Webhooks(receiver, path).FirstOrDefault(match)) is not null),
            Patience);
        Assert.True(arrived, $"{what} did not arrive at {path}; it got:\n" + string.Join("\n", Webhooks(receiver, path).Select(m => m.Text)));
        return found!;
    }

    /// <summary>Waits for a mail <paramref name="match"/> accepts; fails the test naming <paramref name="what"/> if none comes.</summary>
    public static async Task<ChannelSmtpServer.Received> WaitForMailAsync(ChannelSmtpServer server, Func<ChannelSmtpServer.Received, bool> match, string what)
    {
        ChannelSmtpServer.Received? found = null;
        var arrived = await LatchHttp.EventuallyAsync(() => Task.FromResult((found = server.Messages.FirstOrDefault(match)) is not null), Patience);
        Assert.True(arrived, $"{what} did not arrive; the SMTP server got:\n" + string.Join("\n", server.Messages.Select(m => $"to {string.Join(", ", m.To)}: {m.Message.Subject}")));
        return found!;
    }

    /// <summary>Whether a mail was sent to <paramref name="address"/> and its text names <paramref name="text"/>.</summary>
    public static bool IsMailTo(ChannelSmtpServer.Received mail, string address, string text) =>
        mail.To.Contains(address, StringComparer.OrdinalIgnoreCase) && (mail.Message.TextBody ?? "").Contains(text, StringComparison.Ordinal);

    /// <summary>Everything a mail shows a reader: subject, text and HTML.</summary>
    public static string Readable(ChannelSmtpServer.Received mail) =>
        $"{mail.Message.Subject}\n{mail.Message.TextBody}\n{mail.Message.HtmlBody}";

    /// <summary><c>latch_notifications_total{channel,outcome}</c> now.</summary>
    public static async Task<double> CountAsync(GatewayInstance gateway, string channel, string outcome) =>
        AbuseHttp.Total(await AbuseHttp.ScrapeAsync(gateway), "latch_notifications_total", s => s["channel"] == channel && s["outcome"] == outcome);

    /// <summary>Waits until <c>latch_notifications_total{channel,outcome}</c> is <paramref name="expected"/>; fails the test otherwise.</summary>
    public static async Task WaitForCountAsync(GatewayInstance gateway, string channel, string outcome, double expected)
    {
        var count = 0.0;
        var reached = await LatchHttp.EventuallyAsync(async () => (count = await CountAsync(gateway, channel, outcome)) == expected, Patience);
        Assert.True(reached, $"latch_notifications_total{{channel=\"{channel}\",outcome=\"{outcome}\"}} is {count}, expected {expected}");
    }

    /// <summary>
    /// Lets the gateway's fake clock run a quarter second at a time until <paramref name="done"/> holds: what the
    /// channels' quick in-process retries (250 ms and up, on the host's clock) and the dispatcher's poll (1 s) wait
    /// for. Fails the test naming <paramref name="what"/> if it never holds.
    /// </summary>
    public static async Task AdvanceUntilAsync(GatewayInstance gateway, Func<Task<bool>> done, string what)
    {
        ArgumentNullException.ThrowIfNull(gateway);
        var reached = await LatchHttp.EventuallyAsync(
            async () =>
            {
                if (await done())
                {
                    return true;
                }

                gateway.Advance(Nudge);
                return false;
            },
            Patience);
        Assert.True(reached, $"{what} did not happen");
    }

    /// <summary>Lets the fake clock run until <c>latch_notifications_total{channel,outcome}</c> is <paramref name="expected"/>.</summary>
    public static async Task AdvanceUntilCountAsync(GatewayInstance gateway, string channel, string outcome, double expected)
    {
        var count = 0.0;
        var reached = await LatchHttp.EventuallyAsync(
            async () =>
            {
                if ((count = await CountAsync(gateway, channel, outcome)) == expected)
                {
                    return true;
                }

                // /metrics answers from a cache of up to 300 ms: nudge again only once a scrape can show what the last
                // nudge let happen, or the clock runs ahead of what the test saw (and a back-off looks early).
                gateway.Advance(Nudge);
                await Task.Delay(ScrapeCache);
                return false;
            },
            Patience);
        Assert.True(reached, $"latch_notifications_total{{channel=\"{channel}\",outcome=\"{outcome}\"}} is {count}, expected {expected}");
    }

    /// <summary>
    /// Asserts that nothing more arrives at <paramref name="receiver"/> for <paramref name="window"/> (a second by
    /// default; real time: the dispatcher runs on its own thread), having had <paramref name="count"/> requests.
    /// </summary>
    public static async Task AssertNoMoreAsync(ChannelReceiver receiver, int count, string why, TimeSpan? window = null)
    {
        var more = await LatchHttp.EventuallyAsync(() => Task.FromResult(receiver.Requests.Count > count), window ?? TimeSpan.FromSeconds(1));
        Assert.False(more, $"{why}: the receiver got {receiver.Requests.Count} requests, not {count}");
    }
}
