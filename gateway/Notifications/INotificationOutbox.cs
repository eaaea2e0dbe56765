namespace LatchGateway.Notifications;

/// <summary>
/// A message waiting to be delivered: the notification, the channels it goes to (one for <c>All</c>, the rule's list
/// for <c>Fallback</c>), which of them is being tried, how many attempts that one has had, and when the next is due.
/// </summary>
internal sealed record OutboxEntry(
    Notification Notification,
    IReadOnlyList<string> Channels,
    int ChannelIndex,
    int Attempt,
    DateTimeOffset DueAt,
    DateTimeOffset CreatedAt)
{
    public string Id => Notification.Id;

    /// <summary>The channel being tried.</summary>
    public string Channel => Channels[ChannelIndex];
}

/// <summary>
/// The durable outbox: a message is stored before the action that caused it returns, then delivered in the
/// background, at least once. In memory for one process; in Redis shared by every replica, where a claim is one
/// atomic step, so one message is sent by one replica at a time, and one that a crashed replica had claimed is
/// claimed again when its lease runs out. Implementations throw
/// <see cref="Contracts.LatchStoreUnavailableException"/> when their backing service cannot be reached.
/// </summary>
internal interface INotificationOutbox
{
    /// <summary>Stores new entries, due at their <see cref="OutboxEntry.DueAt"/>.</summary>
    ValueTask EnqueueAsync(IReadOnlyList<OutboxEntry> entries, CancellationToken cancellationToken);

    /// <summary>
    /// Claims up to <paramref name="max"/> entries due at <paramref name="now"/>, each for <paramref name="lease"/>:
    /// no other claim gets them until the lease runs out or they are rescheduled.
    /// </summary>
    ValueTask<IReadOnlyList<OutboxEntry>> ClaimDueAsync(DateTimeOffset now, TimeSpan lease, int max, CancellationToken cancellationToken);

    /// <summary>Removes a claimed entry: delivered, or finally failed.</summary>
    ValueTask CompleteAsync(OutboxEntry entry, CancellationToken cancellationToken);

    /// <summary>Replaces a claimed entry with its next attempt (<paramref name="next"/>: same id, new channel index, attempt and due time).</summary>
    ValueTask RescheduleAsync(OutboxEntry next, CancellationToken cancellationToken);
}
