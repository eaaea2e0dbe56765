namespace LatchGateway.Notifications;

/// <summary>Settings under <c>Latch:Notifications</c>: where messages go (channels) and which events go where (rules).</summary>
public sealed record LatchNotificationOptions
{
    public const string SectionName = "Latch:Notifications";

    /// <summary>The channels, by name.</summary>
    public Dictionary<string, NotificationChannelOptions> Channels { get; init; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Which events are sent to which channels, and how.</summary>
    public NotificationRuleOptions[] Rules { get; init; } = [];

    /// <summary>How many times one channel is tried for one message before it counts as failed (the first try included).</summary>
    public int MaxAttempts { get; init; } = 6;

    /// <summary>The wait before the first retry; each further retry waits twice as long (20 s: retries over about ten minutes).</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(20);
}

/// <summary>The kinds of channel.</summary>
public enum NotificationChannelType
{
    /// <summary>A JSON POST signed per Standard Webhooks.</summary>
    Webhook,

    /// <summary>A Slack incoming webhook (<c>text</c> and <c>blocks</c>).</summary>
    Slack,

    /// <summary>A Microsoft Teams Workflows webhook carrying an Adaptive Card.</summary>
    Teams,

    /// <summary>E-mail through an SMTP server.</summary>
    Smtp,
}

/// <summary>How an SMTP connection is secured.</summary>
public enum SmtpSecurity
{
    /// <summary>Plain connection upgraded with STARTTLS, which the server must offer (port 587).</summary>
    StartTls,

    /// <summary>TLS from the first byte (port 465).</summary>
    SslOnConnect,

    /// <summary>No TLS: only for a relay on the same host or a test server.</summary>
    None,
}

/// <summary>
/// One channel (<c>Latch:Notifications:Channels:&lt;name&gt;</c>). A class, not a record: it holds secrets, and a
/// record's generated <c>ToString</c> would print them wherever the object is logged.
/// </summary>
public sealed class NotificationChannelOptions
{
    public NotificationChannelType? Type { get; init; }

    /// <summary>Webhook, Slack and Teams: the URL messages are posted to.</summary>
    public Uri? Url { get; init; }

    /// <summary>Webhook: the signing secret, <c>whsec_</c> followed by base64 (24 to 64 bytes).</summary>
    public string? Secret { get; init; }

    /// <summary>Smtp: the server's host name.</summary>
    public string? Host { get; init; }

    /// <summary>Smtp: the server's port.</summary>
    public int Port { get; init; } = 587;

    /// <summary>Smtp: how the connection is secured.</summary>
    public SmtpSecurity Security { get; init; } = SmtpSecurity.StartTls;

    /// <summary>Smtp: user name, when the server wants authentication.</summary>
    public string? UserName { get; init; }

    /// <summary>Smtp: password for <see cref="UserName"/>.</summary>
    public string? Password { get; init; }

    /// <summary>Smtp: the sender address.</summary>
    public string? From { get; init; }

    /// <summary>Smtp: the recipients; <c>{requester.email}</c> stands for the requester's e-mail address.</summary>
    public string[]? To { get; init; }

    /// <summary>Whether the channel may carry codes (a policy's <c>Delivery</c> channel); none other ever does.</summary>
    public bool CarriesCodes { get; init; }

    /// <summary>How long one attempt may take before it counts as failed.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);
}

/// <summary>How a rule uses its channels.</summary>
public enum NotificationMode
{
    /// <summary>Each channel gets the message.</summary>
    All,

    /// <summary>The channels are tried in order until one accepts the message.</summary>
    Fallback,
}

/// <summary>One rule (<c>Latch:Notifications:Rules:&lt;n&gt;</c>).</summary>
public sealed record NotificationRuleOptions
{
    /// <summary>The events it sends (see <see cref="NotificationEvents"/>).</summary>
    public string[]? Events { get; init; }

    /// <summary>The channels it sends them to, by name, in order.</summary>
    public string[]? Channels { get; init; }

    public NotificationMode Mode { get; init; } = NotificationMode.All;
}
