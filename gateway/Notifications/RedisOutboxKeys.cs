using StackExchange.Redis;

namespace LatchGateway.Notifications;

/// <summary>
/// Key layout of the notification outbox, under <c>Latch:Store:KeyPrefix</c>. Every change touches one key, so the
/// layout works unchanged on Redis Cluster:
/// <list type="bullet">
/// <item><c>{prefix}:outbox:{id}</c> — string: one entry as JSON (<see cref="OutboxRecord"/>), its code sealed;
/// expires <see cref="RedisNotificationOutbox.EntryTtl"/> after it is due, a safety net should the queue lose it.</item>
/// <item><c>{prefix}:outbox:due</c> — sorted set of entry ids scored by the time (ms) they may next be claimed: their
/// due time, or the end of their lease while claimed.</item>
/// </list>
/// </summary>
internal sealed class RedisOutboxKeys(string prefix)
{
    public RedisKey Due { get; } = $"{prefix}:outbox:due";

    public RedisKey Entry(string id) => $"{prefix}:outbox:{{{id}}}";
}
