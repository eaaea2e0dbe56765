using System.Net;
using LatchGateway.Access;
using LatchGateway.Configuration;
using LatchGateway.Contracts;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LatchGateway.Tests.Access;

/// <summary>
/// What every access request store does, run on each of them: the memory store (its "replicas" are one store) and the
/// Redis store on a real <c>redis-server</c> (each replica a store on a connection of its own). Every call names its
/// time, so deadlines pass without a wait. Concurrent transitions are spread over two replicas.
/// </summary>
public abstract class AccessRequestStoreContract : IAsyncLifetime
{
    protected static readonly DateTimeOffset Start = new(2031, 3, 4, 5, 6, 7, 890, TimeSpan.Zero);

    private static readonly AccessApproval[] NoApprovals = [];

    private int _requests;

    private protected IAccessRequestStore Store { get; private set; } = null!;

    private protected IAccessRequestStore ReplicaB { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Store = await CreateStoreAsync();
        ReplicaB = NewReplica(TimeSpan.FromDays(7));
    }

    public virtual Task DisposeAsync() => Task.CompletedTask;

    private protected abstract Task<IAccessRequestStore> CreateStoreAsync();

    /// <summary>Another replica on the same data, with <c>Latch:Access:Retention</c> = <paramref name="retention"/>.</summary>
    private protected abstract IAccessRequestStore NewReplica(TimeSpan retention);

    [Fact]
    public async Task A_request_reads_back_as_it_was_added()
    {
        var full = NewRequest(approvalsNeeded: 3) with
        {
            RequesterEmail = "alice@example.com",
            Network = IPNetwork.Parse("10.1.0.0/16"),
            SessionLifetime = TimeSpan.FromMinutes(20),
            Approvals = [new AccessApproval("bob", Start.AddSeconds(1), "fine"), new AccessApproval("carol", Start.AddSeconds(2), null)],
        };
        var brokeGlass = NewRequest(state: AccessRequestState.Granted) with
        {
            BreakGlass = true,
            ApprovalsNeeded = 0,
            Network = IPNetwork.Parse("2001:db8::7/128"),
            DecidedBy = "alice",
            DecisionReason = "the database is on fire",
        };
        var bare = NewRequest() with { Reason = null };

        foreach (var request in new[] { full, brokeGlass, bare })
        {
            Assert.True(await Store.TryAddAsync(request, default));
            AssertSame(request, await Store.GetAsync(request.Id, default));
            AssertSame(request, await ReplicaB.GetAsync(request.Id, default));
        }
    }

    [Fact]
    public async Task Adding_an_id_that_exists_is_refused_and_changes_nothing()
    {
        var request = NewRequest();
        Assert.True(await Store.TryAddAsync(request, default));

        Assert.False(await ReplicaB.TryAddAsync(request with { Route = "exports", Requester = "mallory", CreatedAt = Start.AddHours(1) }, default));

        AssertSame(request, await Store.GetAsync(request.Id, default));
        Assert.Equal([request.Id], (await Store.ListAsync(_ => true, 10, default)).Select(r => r.Id));
    }

    [Fact]
    public async Task No_transition_finds_an_unknown_id()
    {
        await Store.TryAddAsync(NewRequest(), default);
        const string Unknown = "0000000000000000000z";

        Assert.Null(await Store.GetAsync(Unknown, default));
        Assert.Equal(AccessChange.NotFound, await Store.ApproveAsync(Unknown, new AccessApproval("bob", Start, null), TimeSpan.FromMinutes(15), default));
        Assert.Equal(AccessChange.NotFound, await Store.DenyAsync(Unknown, "bob", "no", Start, default));
        Assert.Equal(AccessChange.NotFound, await Store.CancelAsync(Unknown, "alice", Start, default));
        Assert.Equal(AccessChange.NotFound, await Store.IssueAsync(Unknown, "code-1", Start, default));
    }

    [Fact]
    public async Task Distinct_approvals_are_kept_in_order_until_enough_of_them_grant_it_with_the_pickup_deadline()
    {
        var request = NewRequest(approvalsNeeded: 3);
        await Store.TryAddAsync(request, default);
        var pickup = TimeSpan.FromMinutes(15);
        var bob = new AccessApproval("bob", Start.AddSeconds(1), "looks right");
        var carol = new AccessApproval("carol", Start.AddSeconds(2), null);
        var dave = new AccessApproval("dave", Start.AddSeconds(4), "ok");

        var first = await Store.ApproveAsync(request.Id, bob, pickup, default);
        var second = await ReplicaB.ApproveAsync(request.Id, carol, pickup, default);
        var again = await Store.ApproveAsync(request.Id, bob with { At = Start.AddSeconds(3), Reason = "twice" }, pickup, default);
        var third = await ReplicaB.ApproveAsync(request.Id, dave, pickup, default);
        var late = await Store.ApproveAsync(request.Id, new AccessApproval("erin", Start.AddSeconds(5), null), pickup, default);

        Assert.Equal(AccessChangeOutcome.Changed, first.Outcome);
        AssertSame(request with { Approvals = [bob] }, first.Request);
        AssertSame(request with { Approvals = [bob, carol] }, second.Request);
        Assert.Equal(AccessChangeOutcome.AlreadyApproved, again.Outcome);
        AssertSame(request with { Approvals = [bob, carol] }, again.Request);
        var granted = request with { Approvals = [bob, carol, dave], State = AccessRequestState.Granted, ExpiresAt = dave.At + pickup };
        Assert.Equal(AccessChangeOutcome.Changed, third.Outcome);
        AssertSame(granted, third.Request);
        Assert.Equal(AccessChangeOutcome.WrongState, late.Outcome);
        AssertSame(granted, late.Request);
        AssertSame(granted, await Store.GetAsync(request.Id, default));
    }

    [Fact]
    public async Task Approving_at_or_after_the_pending_deadline_is_refused()
    {
        var request = NewRequest(approvalsNeeded: 2);
        await Store.TryAddAsync(request, default);

        var atDeadline = await Store.ApproveAsync(request.Id, new AccessApproval("bob", request.ExpiresAt, null), TimeSpan.FromMinutes(15), default);
        var before = await ReplicaB.ApproveAsync(request.Id, new AccessApproval("carol", request.ExpiresAt.AddMilliseconds(-1), null), TimeSpan.FromMinutes(15), default);

        Assert.Equal(AccessChangeOutcome.WrongState, atDeadline.Outcome);
        AssertSame(request, atDeadline.Request);
        Assert.Equal(AccessChangeOutcome.Changed, before.Outcome);
        Assert.Equal(["carol"], before.Request!.Approvals.Select(a => a.By));
    }

    [Fact]
    public async Task Deny_and_cancel_end_a_pending_request_before_its_deadline_and_nothing_else()
    {
        var denied = NewRequest();
        var cancelled = NewRequest();
        var granted = NewRequest(state: AccessRequestState.Granted);
        foreach (var request in new[] { denied, cancelled, granted })
        {
            await Store.TryAddAsync(request, default);
        }

        var tooLate = await Store.DenyAsync(denied.Id, "bob", "no", denied.ExpiresAt, default);
        var deny = await ReplicaB.DenyAsync(denied.Id, "bob", "not today", denied.ExpiresAt.AddMilliseconds(-1), default);
        var cancel = await Store.CancelAsync(cancelled.Id, "alice", Start.AddMinutes(1), default);

        Assert.Equal(AccessChangeOutcome.WrongState, tooLate.Outcome);
        AssertSame(denied, tooLate.Request);
        var deniedNow = denied with
        {
            State = AccessRequestState.Denied,
            DecidedBy = "bob",
            DecisionReason = "not today",
            EndedAt = denied.ExpiresAt.AddMilliseconds(-1),
        };
        Assert.Equal(AccessChangeOutcome.Changed, deny.Outcome);
        AssertSame(deniedNow, deny.Request);
        var cancelledNow = cancelled with { State = AccessRequestState.Cancelled, DecidedBy = "alice", EndedAt = Start.AddMinutes(1) };
        Assert.Equal(AccessChangeOutcome.Changed, cancel.Outcome);
        AssertSame(cancelledNow, cancel.Request);

        // An ended request takes no further step; a granted one is no longer the reviewers' or the requester's to end.
        Assert.Equal(AccessChangeOutcome.WrongState, (await Store.CancelAsync(denied.Id, "alice", Start, default)).Outcome);
        Assert.Equal(AccessChangeOutcome.WrongState, (await Store.ApproveAsync(denied.Id, new AccessApproval("carol", Start, null), TimeSpan.FromMinutes(1), default)).Outcome);
        Assert.Equal(AccessChangeOutcome.WrongState, (await ReplicaB.DenyAsync(cancelled.Id, "bob", "no", Start, default)).Outcome);
        Assert.Equal(AccessChangeOutcome.WrongState, (await Store.IssueAsync(cancelled.Id, "code-1", Start, default)).Outcome);
        Assert.Equal(AccessChangeOutcome.WrongState, (await Store.DenyAsync(granted.Id, "bob", "no", Start, default)).Outcome);
        Assert.Equal(AccessChangeOutcome.WrongState, (await Store.CancelAsync(granted.Id, "alice", Start, default)).Outcome);
        AssertSame(deniedNow, await Store.GetAsync(denied.Id, default));
        AssertSame(cancelledNow, await Store.GetAsync(cancelled.Id, default));
        AssertSame(granted, await Store.GetAsync(granted.Id, default));
    }

    [Fact]
    public async Task A_granted_request_is_issued_once_and_only_within_its_pickup_window()
    {
        var pending = NewRequest();
        var granted = NewRequest(state: AccessRequestState.Granted);
        var lapsed = NewRequest(state: AccessRequestState.Granted);
        foreach (var request in new[] { pending, granted, lapsed })
        {
            await Store.TryAddAsync(request, default);
        }

        var issue = await Store.IssueAsync(granted.Id, "code-1", Start.AddMinutes(1), default);
        var second = await ReplicaB.IssueAsync(granted.Id, "code-2", Start.AddMinutes(2), default);

        var issued = granted with { State = AccessRequestState.Issued, CodeId = "code-1", EndedAt = Start.AddMinutes(1) };
        Assert.Equal(AccessChangeOutcome.Changed, issue.Outcome);
        AssertSame(issued, issue.Request);
        Assert.Equal(AccessChangeOutcome.WrongState, second.Outcome);
        AssertSame(issued, second.Request);
        Assert.Equal(AccessChangeOutcome.WrongState, (await Store.IssueAsync(pending.Id, "code-3", Start, default)).Outcome);
        Assert.Equal(AccessChangeOutcome.WrongState, (await Store.IssueAsync(lapsed.Id, "code-4", lapsed.ExpiresAt, default)).Outcome);
        AssertSame(issued, await ReplicaB.GetAsync(granted.Id, default));
        AssertSame(lapsed, await ReplicaB.GetAsync(lapsed.Id, default));
    }

    [Fact]
    public async Task Concurrent_approvals_by_distinct_approvers_on_two_replicas_each_count_once()
    {
        const int Approvers = 40;
        var request = NewRequest(approvalsNeeded: Approvers);
        await Store.TryAddAsync(request, default);

        var changes = await InParallelAsync(Approvers, i => (i % 2 == 0 ? Store : ReplicaB).ApproveAsync(
            request.Id, new AccessApproval($"approver-{i:D2}", Start.AddSeconds(1), null), TimeSpan.FromMinutes(15), default));

        Assert.All(changes, c => Assert.Equal(AccessChangeOutcome.Changed, c.Outcome));
        Assert.Single(changes, c => c.Request!.State == AccessRequestState.Granted);
        Assert.Equal(Enumerable.Range(1, Approvers), changes.Select(c => c.Request!.Approvals.Count).Order());
        var final = (await Store.GetAsync(request.Id, default))!;
        Assert.Equal(AccessRequestState.Granted, final.State);
        Assert.Equal(Enumerable.Range(0, Approvers).Select(i => $"approver-{i:D2}"), final.Approvals.Select(a => a.By).Order(StringComparer.Ordinal));

        // Each approval saw the ones before it in the order they were applied.
        foreach (var change in changes)
        {
            Assert.Equal(final.Approvals.Take(change.Request!.Approvals.Count).Select(a => a.By), change.Request.Approvals.Select(a => a.By));
        }
    }

    [Fact]
    public async Task Concurrent_approvals_by_one_approver_count_once()
    {
        var request = NewRequest(approvalsNeeded: 2);
        await Store.TryAddAsync(request, default);

        var changes = await InParallelAsync(10, i => (i % 2 == 0 ? Store : ReplicaB).ApproveAsync(
            request.Id, new AccessApproval("bob", Start.AddSeconds(1), null), TimeSpan.FromMinutes(15), default));

        Assert.Single(changes, c => c.Outcome == AccessChangeOutcome.Changed);
        Assert.Equal(9, changes.Count(c => c.Outcome == AccessChangeOutcome.AlreadyApproved));
        Assert.Equal(["bob"], (await Store.GetAsync(request.Id, default))!.Approvals.Select(a => a.By));
    }

    [Fact]
    public async Task Of_concurrent_pickups_on_two_replicas_exactly_one_issues()
    {
        var request = NewRequest(state: AccessRequestState.Granted);
        await Store.TryAddAsync(request, default);

        var changes = await InParallelAsync(20, i => (i % 2 == 0 ? Store : ReplicaB).IssueAsync(request.Id, $"code-{i}", Start.AddSeconds(1), default));

        var winner = Assert.Single(changes, c => c.Outcome == AccessChangeOutcome.Changed);
        Assert.Equal(19, changes.Count(c => c.Outcome == AccessChangeOutcome.WrongState));
        Assert.All(changes, c => Assert.Equal(winner.Request!.CodeId, c.Request!.CodeId));
        Assert.Equal(winner.Request!.CodeId, (await ReplicaB.GetAsync(request.Id, default))!.CodeId);
    }

    [Fact]
    public async Task Of_concurrent_denials_cancellations_and_granting_approvals_exactly_one_decides()
    {
        var request = NewRequest(approvalsNeeded: 1);
        await Store.TryAddAsync(request, default);
        var at = Start.AddSeconds(1);

        var changes = await InParallelAsync(30, i => ((i / 3) % 2 == 0 ? Store : ReplicaB) switch
        {
            var replica when i % 3 == 0 => replica.DenyAsync(request.Id, $"denier-{i}", "no", at, default),
            var replica when i % 3 == 1 => replica.CancelAsync(request.Id, "alice", at, default),
            var replica => replica.ApproveAsync(request.Id, new AccessApproval($"approver-{i}", at, null), TimeSpan.FromMinutes(15), default),
        });

        var decision = Assert.Single(changes, c => c.Outcome == AccessChangeOutcome.Changed);
        Assert.Equal(29, changes.Count(c => c.Outcome == AccessChangeOutcome.WrongState));
        AssertSame(decision.Request!, await Store.GetAsync(request.Id, default));
    }

    [Fact]
    public async Task A_sweep_expires_each_open_request_past_its_deadline_once_across_replicas_and_keeps_it_readable()
    {
        var pending = NewRequest(pendingTtl: TimeSpan.FromMinutes(10));
        var granted = NewRequest(state: AccessRequestState.Granted, pendingTtl: TimeSpan.FromMinutes(5));
        var notDue = NewRequest(pendingTtl: TimeSpan.FromMinutes(30));
        var denied = NewRequest(pendingTtl: TimeSpan.FromMinutes(5));
        foreach (var request in new[] { pending, granted, notDue, denied })
        {
            await Store.TryAddAsync(request, default);
        }

        await Store.DenyAsync(denied.Id, "bob", "no", Start.AddMinutes(1), default);
        var sweepAt = Start.AddMinutes(10);

        var sweeps = await InParallelAsync(6, i => (i % 2 == 0 ? Store : ReplicaB).ExpireDueAsync(sweepAt, default));

        var expired = sweeps.SelectMany(s => s).ToList();
        Assert.Equal(new[] { granted.Id, pending.Id }.Order(StringComparer.Ordinal), expired.Select(r => r.Id).Order(StringComparer.Ordinal));
        foreach (var request in new[] { pending, granted })
        {
            var ended = request with { State = AccessRequestState.Expired, EndedAt = sweepAt };
            AssertSame(ended, Assert.Single(expired, r => r.Id == request.Id));
            AssertSame(ended, await ReplicaB.GetAsync(request.Id, default));
        }

        AssertSame(notDue, await Store.GetAsync(notDue.Id, default));
        Assert.Equal(AccessRequestState.Denied, (await Store.GetAsync(denied.Id, default))!.State);
        Assert.Empty(await Store.ExpireDueAsync(sweepAt.AddMinutes(1), default));
        Assert.Equal(notDue.Id, Assert.Single(await ReplicaB.ExpireDueAsync(notDue.ExpiresAt, default)).Id);
    }

    [Fact]
    public async Task A_request_granted_after_it_was_asked_for_expires_at_its_pickup_deadline()
    {
        var request = NewRequest(pendingTtl: TimeSpan.FromHours(1));
        await Store.TryAddAsync(request, default);
        var approval = new AccessApproval("bob", Start.AddMinutes(1), null);
        await Store.ApproveAsync(request.Id, approval, TimeSpan.FromMinutes(5), default);

        Assert.Empty(await Store.ExpireDueAsync(Start.AddMinutes(6).AddMilliseconds(-1), default));
        var expired = Assert.Single(await Store.ExpireDueAsync(Start.AddMinutes(6), default));

        Assert.Equal(request.Id, expired.Id);
        Assert.Equal(AccessRequestState.Expired, expired.State);
        Assert.Equal(Start.AddMinutes(6), expired.ExpiresAt);
    }

    [Fact]
    public async Task Listing_is_newest_first_with_ties_newest_id_first_and_stops_at_the_limit()
    {
        // More requests than one page of the Redis store, with several created in the same millisecond.
        var all = new List<AccessRequest>();
        for (var i = 0; i < 300; i++)
        {
            var request = NewRequest(route: i % 3 == 0 ? "exports" : "orders-admin") with { CreatedAt = Start.AddMilliseconds(i / 4) };
            all.Add(request);
        }

        await Task.WhenAll(all.Select(r => (r.Id.GetHashCode(StringComparison.Ordinal) % 2 == 0 ? Store : ReplicaB).TryAddAsync(r, default).AsTask()));
        var newestFirst = all.OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id, StringComparer.Ordinal).ToList();

        Assert.Equal(newestFirst.Select(r => r.Id), (await Store.ListAsync(_ => true, 1000, default)).Select(r => r.Id));
        Assert.Equal(
            newestFirst.Where(r => r.Route == "exports").Take(70).Select(r => r.Id),
            (await ReplicaB.ListAsync(r => r.Route == "exports", 70, default)).Select(r => r.Id));
        Assert.Equal(newestFirst.Take(5).Select(r => r.Id), (await Store.ListAsync(_ => true, 5, default)).Select(r => r.Id));
        Assert.Empty(await Store.ListAsync(r => r.Route == "nowhere", 10, default));
    }

    /// <summary>A new request, created at <see cref="Start"/> (to the millisecond, as the service makes them).</summary>
    private protected AccessRequest NewRequest(
        AccessRequestState state = AccessRequestState.Pending,
        int approvalsNeeded = 1,
        TimeSpan? pendingTtl = null,
        string route = "orders-admin") =>
        new(
            $"req{Interlocked.Increment(ref _requests):D4}{Guid.NewGuid():N}"[..20],
            route,
            "alice",
            null,
            "to fix the orders",
            null,
            TimeSpan.FromMinutes(5),
            null,
            false,
            Start,
            state,
            Start + (pendingTtl ?? TimeSpan.FromHours(1)),
            NoApprovals,
            approvalsNeeded);

    /// <summary>Asserts that <paramref name="actual"/> is <paramref name="expected"/>, member by member (approvals in order).</summary>
    private protected static void AssertSame(AccessRequest expected, AccessRequest? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected with { Approvals = NoApprovals }, actual with { Approvals = NoApprovals });
        Assert.Equal(expected.Approvals, actual.Approvals);
    }

    /// <summary><c>Latch:Access</c> settings for a store built by hand, with <paramref name="retention"/>.</summary>
    private protected static LiveOptions<LatchAccessOptions> AccessSettings(TimeSpan retention) =>
        new(new FixedOptions(new LatchAccessOptions { Retention = retention }), [], NullLogger<LiveOptions<LatchAccessOptions>>.Instance);

    /// <summary>Starts <paramref name="count"/> calls at once and returns their results in order.</summary>
    private protected static async Task<T[]> InParallelAsync<T>(int count, Func<int, ValueTask<T>> call)
    {
        using var start = new SemaphoreSlim(0);
        var calls = Enumerable.Range(0, count).Select(async i =>
        {
            await start.WaitAsync();
            return await call(i);
        }).ToList();
        start.Release(count);
        return await Task.WhenAll(calls);
    }

    private sealed class FixedOptions(LatchAccessOptions options) : IOptionsFactory<LatchAccessOptions>
    {
        public LatchAccessOptions Create(string name) => options;
    }
}

/// <summary>The contract on the memory store; its replicas are the one store, as in one process.</summary>
public sealed class InMemoryAccessRequestStoreContractTests : AccessRequestStoreContract
{
    private InMemoryAccessRequestStore? _store;

    private protected override Task<IAccessRequestStore> CreateStoreAsync()
    {
        _store = new InMemoryAccessRequestStore(AccessSettings(TimeSpan.FromDays(7)));
        return Task.FromResult<IAccessRequestStore>(_store);
    }

    private protected override IAccessRequestStore NewReplica(TimeSpan retention) => _store!;
}
