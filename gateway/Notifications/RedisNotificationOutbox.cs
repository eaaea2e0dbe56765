using LatchGateway.Diagnostics;
using LatchGateway.Store;
using LatchGateway.Store.Redis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace LatchGateway.Notifications;

/// <summary>
/// The outbox in Redis, shared by every replica and kept across restarts (key layout in <see cref="RedisOutboxKeys"/>).
/// A claim is one script on the due set alone, which hands each due id to one caller and moves it to the end of its
/// lease; the entries are then read beside it. Completing deletes the entry and then its id; rescheduling writes the
/// entry and then its new due time. A crash between the two steps leaves the entry claimable when its lease ends, so
/// delivery is at least once; an id whose entry is gone (completed elsewhere) is dropped from the set when claimed.
/// Times are kept to the millisecond. Any Redis failure surfaces as <see cref="Contracts.LatchStoreUnavailableException"/>.
/// </summary>
/// <remarks>
/// No code is kept in clear: <see cref="NotificationData.Code"/> is sealed by <see cref="OutboxCodeProtector"/> and
/// opened when claimed. An entry whose code no longer opens (<c>Latch:Codes:HashKey</c> changed since it was stored)
/// can never be delivered as meant, so the claim does not hand it out: it removes it and reports the message as
/// finally failed (<see cref="NotificationFailures.Failed"/>, and <c>failed</c> for each channel it had left), the
/// way the dispatcher reports a message no channel accepted. An entry that is no entry at all (written by another
/// version, or damaged) is removed and logged.
/// </remarks>
internal sealed class RedisNotificationOutbox(
    RedisConnection connection,
    IOptions<LatchStoreOptions> options,
    OutboxCodeProtector protector,
    NotificationFailures failures,
    LatchMetrics metrics,
    TimeProvider timeProvider,
    ILogger<RedisNotificationOutbox> logger) : INotificationOutbox
{
    /// <summary>How long an entry's key outlives its due time: far beyond any retry, so it goes only if the due set lost it.</summary>
    public static readonly TimeSpan EntryTtl = TimeSpan.FromDays(7);

    internal const string UndecryptableDetail = "its code could not be decrypted: Latch:Codes:HashKey is not the key it was stored under";

    private readonly RedisOutboxKeys _keys = new(options.Value.KeyPrefix);

    public async ValueTask EnqueueAsync(IReadOnlyList<OutboxEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0)
        {
            return;
        }

        var now = timeProvider.GetUtcNow();
        var writes = entries.Select(e => (Key: _keys.Entry(e.Id), Value: Serialize(e), Ttl: KeyTtl(e, now))).ToArray();
        var due = entries.Select(static e => new SortedSetEntry(e.Id, e.DueAt.ToUnixTimeMilliseconds())).ToArray();
        await connection.RunAsync(async db =>
        {
            // Entries first, ids after: an id is never claimed before its entry can be read, on any node of a cluster.
            await Task.WhenAll(writes.Select(w => db.StringSetAsync(w.Key, w.Value, w.Ttl))).ConfigureAwait(false);
            return await db.SortedSetAddAsync(_keys.Due, due).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<OutboxEntry>> ClaimDueAsync(DateTimeOffset now, TimeSpan lease, int max, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lease, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        var (claimed, undeliverable) = await connection.RunAsync<(List<OutboxEntry> Claimed, List<OutboxEntry> Undeliverable)>(async db =>
        {
            var result = await db.ScriptEvaluateAsync(RedisOutboxScripts.Claim, [_keys.Due],
                [now.ToUnixTimeMilliseconds(), (now + lease).ToUnixTimeMilliseconds(), max]).ConfigureAwait(false);
            var ids = ((RedisValue[])result!).Select(static v => v.ToString()).ToArray();
            if (ids.Length == 0)
            {
                return ([], []);
            }

            var values = await Task.WhenAll(ids.Select(id => db.StringGetAsync(_keys.Entry(id)))).ConfigureAwait(false);
            var entries = new List<OutboxEntry>(ids.Length);
            var lost = new List<OutboxEntry>();
            var drop = new List<string>();
            for (var i = 0; i < ids.Length; i++)
            {
                if (values[i].IsNull)
                {
                    drop.Add(ids[i]);
                }
                else if (OutboxJson.TryParse((byte[])values[i]!) is not { } record || !record.IsEntry(ids[i]))
                {
                    Log.OutboxEntryUnreadable(logger, ids[i]);
                    drop.Add(ids[i]);
                }
                else if (record.SealedCode is null)
                {
                    entries.Add(record.ToEntry(null));
                }
                else if (protector.TryOpen(record.SealedCode, ids[i], out var code))
                {
                    entries.Add(record.ToEntry(code));
                }
                else
                {
                    lost.Add(record.ToEntry(null));
                    drop.Add(ids[i]);
                }
            }

            if (drop.Count > 0)
            {
                await Task.WhenAll(drop.Select(id => db.KeyDeleteAsync(_keys.Entry(id)))).ConfigureAwait(false);
                await db.SortedSetRemoveAsync(_keys.Due, [.. drop.Select(static id => (RedisValue)id)]).ConfigureAwait(false);
            }

            return (entries, lost);
        }).ConfigureAwait(false);

        // Reported once they are gone from the outbox, so that no other claim reports them again.
        foreach (var entry in undeliverable)
        {
            for (var i = entry.ChannelIndex; i < entry.Channels.Count; i++)
            {
                metrics.Notification(entry.Channels[i], "failed");
            }

            failures.Failed(entry, UndecryptableDetail);
        }

        return claimed;
    }

    public async ValueTask CompleteAsync(OutboxEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        await connection.RunAsync(async db =>
        {
            // Sent together, entry first: whichever lands, the id finds no entry or the entry is claimed by no one.
            var deleted = db.KeyDeleteAsync(_keys.Entry(entry.Id));
            var removed = db.SortedSetRemoveAsync(_keys.Due, entry.Id);
            await Task.WhenAll(deleted, removed).ConfigureAwait(false);
            return true;
        }).ConfigureAwait(false);
    }

    public async ValueTask RescheduleAsync(OutboxEntry next, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(next);
        var value = Serialize(next);
        var ttl = KeyTtl(next, timeProvider.GetUtcNow());
        await connection.RunAsync(async db =>
        {
            // The entry first, then its due time: the id comes due again only with its next attempt written.
            await db.StringSetAsync(_keys.Entry(next.Id), value, ttl).ConfigureAwait(false);
            return await db.SortedSetAddAsync(_keys.Due, next.Id, next.DueAt.ToUnixTimeMilliseconds()).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    private byte[] Serialize(OutboxEntry entry)
    {
        var code = entry.Notification.Data.Code;
        return OutboxJson.Serialize(OutboxRecord.From(entry, code is null ? null : protector.Seal(code, entry.Id)));
    }

    private static TimeSpan KeyTtl(OutboxEntry entry, DateTimeOffset now) =>
        EntryTtl + (entry.DueAt > now ? entry.DueAt - now : TimeSpan.Zero);
}
