namespace LatchGateway.Notifications.Channels;

/// <summary>Sends one notification through one kind of channel, once; retries are the dispatcher's.</summary>
internal interface INotificationChannel
{
    NotificationChannelType Type { get; }

    /// <summary>
    /// One attempt. Never throws for a failure of the receiver (refused, unreachable, timed out): that is the result.
    /// <paramref name="name"/> is the channel's configured name (for logs and metrics).
    /// </summary>
    Task<ChannelResult> SendAsync(string name, NotificationChannelOptions channel, Notification notification, CancellationToken cancellationToken);
}

/// <summary>What one attempt came to.</summary>
internal enum ChannelOutcome
{
    /// <summary>The receiver accepted the message (2xx; an SMTP server took it).</summary>
    Sent,

    /// <summary>A failure worth retrying: 5xx, 408, 429, a timeout, a connection failure.</summary>
    Retry,

    /// <summary>A failure no retry can mend: a 4xx other than 408 and 429, a recipient refused, a message that cannot be addressed.</summary>
    Final,
}

/// <summary>The result of one attempt; <see cref="RetryAfter"/> is the receiver's <c>Retry-After</c>, if it sent one.</summary>
internal readonly record struct ChannelResult(ChannelOutcome Outcome, string? Detail = null, TimeSpan? RetryAfter = null)
{
    public static ChannelResult Sent { get; } = new(ChannelOutcome.Sent);
}
