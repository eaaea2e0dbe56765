namespace LatchGateway.Contracts;

/// <summary>What the admin API needs from notifications: send a test message through one channel, now.</summary>
public interface ILatchNotificationService
{
    /// <summary>Whether a channel of that name is configured.</summary>
    bool HasChannel(string channel);

    /// <summary>Sends a test message through <paramref name="channel"/> once, bypassing the outbox, and says how it went.</summary>
    Task<NotificationTestResult> TestAsync(string channel, LatchActor actor, CancellationToken cancellationToken);
}

/// <summary>The outcome of a test message: <c>sent</c>, or <c>failed</c> with what the channel said (never a secret).</summary>
public sealed record NotificationTestResult(string Channel, string Outcome, string? Detail);
