using LatchGateway.Notifications;

namespace LatchGateway.Tests.Notifications;

/// <summary>The outbox contract on the memory outbox, and its order among entries due at the same time.</summary>
public sealed class OutboxInMemoryTests : OutboxContractTests
{
    private readonly InMemoryNotificationOutbox _outbox = new();

    private protected override Task<INotificationOutbox> CreateOutboxAsync() => Task.FromResult<INotificationOutbox>(_outbox);

    private protected override INotificationOutbox OtherReplica() => _outbox;

    [Fact]
    public async Task Entries_due_at_the_same_time_are_claimed_in_the_order_they_were_created()
    {
        var first = NewEntry() with { CreatedAt = Now.AddSeconds(-3) };
        var second = NewEntry() with { CreatedAt = Now.AddSeconds(-2) };
        var thirdA = NewEntry() with { CreatedAt = Now.AddSeconds(-1) };
        var thirdB = NewEntry() with { CreatedAt = Now.AddSeconds(-1) };
        await Outbox.EnqueueAsync([second, thirdA], default);
        await Outbox.EnqueueAsync([thirdB, first], default);

        AssertEntries([first, second, thirdA, thirdB], await Outbox.ClaimDueAsync(Now, Lease, 10, default));
    }

    [Fact]
    public async Task Nothing_is_kept_once_every_entry_is_complete()
    {
        await Outbox.EnqueueAsync([NewEntry(), NewEntry(), NewEntry()], default);

        foreach (var entry in await Outbox.ClaimDueAsync(Now, Lease, 10, default))
        {
            await Outbox.CompleteAsync(entry, default);
        }

        Assert.Equal(0, _outbox.Count);
    }
}
