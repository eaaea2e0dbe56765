using System.Collections.Concurrent;
using LatchGateway.Codes;
using LatchGateway.Notifications;
using LatchGateway.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace LatchGateway.Tests.Notifications;

/// <summary>
/// What every notification outbox does, run on each of them (see the subclasses): the memory outbox, and the Redis
/// outbox on a real <c>redis-server</c>. Claims name their time, on a fake clock, so leases and due times need no wait.
/// </summary>
public abstract class OutboxContractTests : IAsyncLifetime
{
    private protected static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    protected FakeTimeProvider Time { get; } = new();

    private protected INotificationOutbox Outbox { get; private set; } = null!;

    private protected DateTimeOffset Now => Time.GetUtcNow();

    public async Task InitializeAsync() => Outbox = await CreateOutboxAsync();

    public virtual Task DisposeAsync() => Task.CompletedTask;

    private protected abstract Task<INotificationOutbox> CreateOutboxAsync();

    /// <summary>Another gateway replica on the same store: for the memory outbox, which serves one process, the same outbox.</summary>
    private protected abstract INotificationOutbox OtherReplica();

    [Fact]
    public async Task Entries_are_claimed_once_due_earliest_due_first()
    {
        var late = NewEntry(due: Now.AddSeconds(2));
        var now = NewEntry(due: Now);
        var soon = NewEntry(due: Now.AddSeconds(1));
        var later = NewEntry(due: Now.AddHours(1));
        await Outbox.EnqueueAsync([late, now, soon, later], default);

        AssertEntries([now], await ClaimAndCompleteAsync(Now));
        Assert.Empty(await ClaimAndCompleteAsync(Now.AddSeconds(1).AddMilliseconds(-1)));
        AssertEntries([soon, late], await ClaimAndCompleteAsync(Now.AddSeconds(2)));
        Assert.Empty(await ClaimAndCompleteAsync(Now.AddHours(1).AddMilliseconds(-1)));
        AssertEntries([later], await ClaimAndCompleteAsync(Now.AddHours(1)));
    }

    [Fact]
    public async Task A_claim_takes_at_most_the_number_asked_for_and_the_next_one_the_rest()
    {
        var entries = Enumerable.Range(0, 5).Select(i => NewEntry(due: Now.AddSeconds(i - 5))).ToArray();
        await Outbox.EnqueueAsync(entries, default);

        AssertEntries(entries[..2], await Outbox.ClaimDueAsync(Now, Lease, 2, default));
        AssertEntries(entries[2..], await Outbox.ClaimDueAsync(Now, Lease, 10, default));
        Assert.Empty(await Outbox.ClaimDueAsync(Now, Lease, 10, default));
    }

    [Fact]
    public async Task A_claimed_entry_is_claimed_by_no_one_else_until_its_lease_ends()
    {
        var entry = NewEntry(due: Now);
        await Outbox.EnqueueAsync([entry], default);

        AssertEntries([entry], await Outbox.ClaimDueAsync(Now, Lease, 10, default));
        var justBefore = Now + Lease - TimeSpan.FromMilliseconds(1);
        Assert.Empty(await Outbox.ClaimDueAsync(justBefore, Lease, 10, default));
        Assert.Empty(await OtherReplica().ClaimDueAsync(justBefore, Lease, 10, default));

        // The claimer died with it: once the lease has run out, another replica takes it, and holds it in turn.
        AssertEntries([entry], await OtherReplica().ClaimDueAsync(Now + Lease, Lease, 10, default));
        Assert.Empty(await Outbox.ClaimDueAsync(Now + Lease, Lease, 10, default));
        AssertEntries([entry], await Outbox.ClaimDueAsync(Now + (2 * Lease), Lease, 10, default));
    }

    [Fact]
    public async Task A_completed_entry_is_never_claimed_again_and_the_others_stay()
    {
        var done = NewEntry(due: Now.AddSeconds(-1));
        var other = NewEntry(due: Now);
        await Outbox.EnqueueAsync([done, other], default);
        var claimed = await Outbox.ClaimDueAsync(Now, Lease, 10, default);

        await Outbox.CompleteAsync(claimed[0], default);

        // The other was claimed too and its lease has long run out: it comes back, the completed one does not.
        AssertEntries([other], await OtherReplica().ClaimDueAsync(Now.AddDays(1), Lease, 10, default));
    }

    [Fact]
    public async Task A_rescheduled_entry_comes_back_as_its_next_attempt_at_its_new_due_time()
    {
        var entry = NewEntry(due: Now, channels: ["sre-slack", "mail"]);
        await Outbox.EnqueueAsync([entry], default);
        var claimed = Assert.Single(await Outbox.ClaimDueAsync(Now, Lease, 10, default));

        var next = claimed with { ChannelIndex = 1, Attempt = 2, DueAt = Now.AddSeconds(20) };
        await Outbox.RescheduleAsync(next, default);

        Assert.Empty(await OtherReplica().ClaimDueAsync(Now.AddSeconds(20).AddMilliseconds(-1), Lease, 10, default));
        var again = Assert.Single(await OtherReplica().ClaimDueAsync(Now.AddSeconds(20), Lease, 10, default));
        AssertEntry(next, again);
        Assert.Equal("mail", again.Channel);
    }

    [Fact]
    public async Task Every_member_of_an_entry_comes_back_as_it_was_stored()
    {
        var code = LatchHttp.RandomCode();
        var entry = new OutboxEntry(
            new Notification(NewId(), NotificationEvents.AccessGranted, Now.AddMilliseconds(-1500), FullData(code)),
            ["requester", "mail"],
            1,
            3,
            Now.AddMilliseconds(-250),
            Now.AddMinutes(-7));
        await Outbox.EnqueueAsync([entry], default);

        var claimed = Assert.Single(await OtherReplica().ClaimDueAsync(Now, Lease, 10, default));

        AssertEntry(entry, claimed);
        Assert.Equal(code, claimed.Notification.Data.Code);
    }

    [Fact]
    public async Task Replicas_claiming_concurrently_get_each_entry_exactly_once()
    {
        const int Count = 300;
        var entries = Enumerable.Range(0, Count).Select(i => NewEntry(due: Now.AddMilliseconds(-i % 40))).ToArray();
        await Outbox.EnqueueAsync(entries, default);
        var replicas = new[] { Outbox, OtherReplica() };
        var claimed = new ConcurrentBag<string>();
        var seen = 0;

        // Four claimers, two on each replica, each claiming small batches and completing half of what it gets.
        await Task.WhenAll(Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
        {
            var outbox = replicas[worker % 2];
            while (await outbox.ClaimDueAsync(Now, Lease, 3, default) is { Count: > 0 } batch)
            {
                foreach (var entry in batch)
                {
                    claimed.Add(entry.Id);
                    if (Interlocked.Increment(ref seen) % 2 == 0)
                    {
                        await outbox.CompleteAsync(entry, default);
                    }
                }
            }
        })));

        Assert.Equal(Count, claimed.Count);
        Assert.Equal(entries.Select(e => e.Id).Order(StringComparer.Ordinal), claimed.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Invalid_claims_are_refused()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Outbox.ClaimDueAsync(Now, TimeSpan.Zero, 10, default).AsTask());
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Outbox.ClaimDueAsync(Now, Lease, 0, default).AsTask());
    }

    private async Task<IReadOnlyList<OutboxEntry>> ClaimAndCompleteAsync(DateTimeOffset now)
    {
        var claimed = await Outbox.ClaimDueAsync(now, Lease, 10, default);
        foreach (var entry in claimed)
        {
            await Outbox.CompleteAsync(entry, default);
        }

        return claimed;
    }

    private protected static string NewId() => "msg_" + CrockfordBase32.NewId();

    private protected OutboxEntry NewEntry(DateTimeOffset? due = null, IReadOnlyList<string>? channels = null, string? code = null) => new(
        new Notification(NewId(), code is null ? NotificationEvents.AccessRequested : NotificationEvents.AccessGranted, Now, new NotificationData
        {
            RequestId = "req_" + CrockfordBase32.NewId(),
            Route = "orders-admin",
            Requester = "alice",
            RequesterEmail = code is null ? null : "alice@example.com",
            Reason = "INC-1234 restart the export",
            State = code is null ? "pending" : "issued",
            Code = code,
        }),
        channels ?? ["sre-slack"],
        0,
        0,
        due ?? Now,
        Now);

    private protected NotificationData FullData(string code) => new()
    {
        RequestId = "req_" + CrockfordBase32.NewId(),
        Route = "orders-admin",
        Requester = "alice",
        RequesterEmail = "alice@example.com",
        Reason = "INC-1234 \"quoted\" and ünïcode <b>",
        State = "issued",
        ApprovedBy = ["bob", "carol"],
        ApprovalsNeeded = 2,
        DecidedBy = "bob",
        DecisionReason = "ok",
        ExpiresAt = Now.AddMinutes(2).AddMilliseconds(17),
        CodeId = "code_" + CrockfordBase32.NewId(),
        ClientIp = "2001:db8::7",
        User = "alice",
        Subject = "user",
        SessionId = "ses_" + CrockfordBase32.NewId(),
        Code = code,
    };

    /// <summary>The same entries in the same order, member by member (lists compared by content).</summary>
    private protected static void AssertEntries(IReadOnlyList<OutboxEntry> expected, IReadOnlyList<OutboxEntry> actual)
    {
        Assert.Equal(expected.Select(e => e.Id), actual.Select(e => e.Id));
        for (var i = 0; i < expected.Count; i++)
        {
            AssertEntry(expected[i], actual[i]);
        }
    }

    private protected static void AssertEntry(OutboxEntry expected, OutboxEntry actual)
    {
        Assert.Equal(expected.Notification with { Data = Comparable(expected.Notification.Data) }, actual.Notification with { Data = Comparable(actual.Notification.Data) });
        Assert.Equal(expected.Notification.Data.ApprovedBy, actual.Notification.Data.ApprovedBy);
        Assert.Equal(expected.Channels, actual.Channels);
        Assert.Equal(expected with { Notification = actual.Notification, Channels = actual.Channels }, actual);
    }

    private static NotificationData Comparable(NotificationData data) => data with { ApprovedBy = null };
}
