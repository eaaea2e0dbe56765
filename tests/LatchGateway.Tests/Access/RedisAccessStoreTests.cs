using System.Net;
using LatchGateway.Access;
using LatchGateway.Contracts;
using LatchGateway.Store;
using LatchGateway.Tests.Infrastructure;
using StackExchange.Redis;

namespace LatchGateway.Tests.Access;

/// <summary>
/// The access request store contract on a real <c>redis-server</c>, each test under a key prefix of its own, each
/// replica a store on a connection of its own; then what is particular to Redis: the layout, how long a request is
/// kept, and index entries that outlive their request.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes it through IAsyncLifetime.DisposeAsync.")]
public sealed class RedisAccessRequestStoreTests(RedisServerFixture fixture) : AccessRequestStoreContract, IClassFixture<RedisServerFixture>
{
    private readonly RedisReplicas _replicas = new(fixture.Redis.Endpoint, "access");
    private ConnectionMultiplexer? _client;

    private IDatabase Db => _client!.GetDatabase();

    public override async Task DisposeAsync()
    {
        await _replicas.DisposeAsync();
        if (_client is not null)
        {
            await _client.DisposeAsync();
        }
    }

    private protected override async Task<IAccessRequestStore> CreateStoreAsync()
    {
        _client = await ConnectionMultiplexer.ConnectAsync(fixture.Redis.Endpoint);
        return NewReplica(TimeSpan.FromDays(7));
    }

    private protected override IAccessRequestStore NewReplica(TimeSpan retention)
    {
        return new RedisAccessRequestStore(_replicas.Open(), _replicas.Options, AccessSettings(retention));
    }

    [Fact]
    public async Task A_request_is_one_hash_of_plain_fields_beside_its_two_index_entries()
    {
        var request = NewRequest(approvalsNeeded: 3) with { Network = IPNetwork.Parse("203.0.113.7/32") };
        await Store.TryAddAsync(request, default);
        await Store.ApproveAsync(request.Id, new AccessApproval("bob", Start.AddSeconds(1), "fine"), TimeSpan.FromMinutes(15), default);
        await Store.ApproveAsync(request.Id, new AccessApproval("carol", Start.AddSeconds(2), null), TimeSpan.FromMinutes(15), default);

        Assert.Equal(
            new[] { Created, Due, Hash(request.Id) }.Select(k => k.ToString()).Order(StringComparer.Ordinal),
            Keys().Select(k => k.ToString()).Order(StringComparer.Ordinal));
        var fields = (await Db.HashGetAllAsync(Hash(request.Id))).ToDictionary(e => e.Name.ToString(), e => e.Value.ToString());
        Assert.Equal(Start.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture), fields["ca"]);
        Assert.Equal(request.ExpiresAt.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture), fields["ea"]);
        Assert.Equal("300000", fields["ttl"]);
        Assert.Equal("203.0.113.7/32", fields["ip"]);
        Assert.Equal("pending", fields["s"]);
        Assert.Equal(("2", "bob", "carol", "fine"), (fields["na"], fields["ab:1"], fields["ab:2"], fields["ar:1"]));
        Assert.Equal(Start.AddSeconds(2).ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture), fields["at:2"]);
        Assert.False(fields.ContainsKey("ar:2"));
        Assert.Equal(Start.ToUnixTimeMilliseconds(), await Db.SortedSetScoreAsync(Created, request.Id));
        Assert.Equal(request.ExpiresAt.ToUnixTimeMilliseconds(), await Db.SortedSetScoreAsync(Due, request.Id));
    }

    [Fact]
    public async Task A_key_is_kept_the_retention_past_the_request_s_last_deadline_as_each_transition_sets_it()
    {
        var retention = TimeSpan.FromHours(2);
        var store = NewReplica(retention);
        var request = NewRequest(approvalsNeeded: 2, pendingTtl: TimeSpan.FromHours(1));

        await store.TryAddAsync(request, default);
        await AssertKeptAsync(request.Id, TimeSpan.FromHours(1) + retention);

        await store.ApproveAsync(request.Id, new AccessApproval("bob", Start.AddMinutes(10), null), TimeSpan.FromMinutes(15), default);
        await AssertKeptAsync(request.Id, TimeSpan.FromMinutes(50) + retention);

        await store.ApproveAsync(request.Id, new AccessApproval("carol", Start.AddMinutes(20), null), TimeSpan.FromMinutes(15), default);
        await AssertKeptAsync(request.Id, TimeSpan.FromMinutes(15) + retention);

        await store.IssueAsync(request.Id, "code-1", Start.AddMinutes(25), default);
        await AssertKeptAsync(request.Id, retention);

        // The creation index lives at least as long as the request.
        Assert.True(await Db.KeyTimeToLiveAsync(Created) >= await Db.KeyTimeToLiveAsync(Hash(request.Id)));
    }

    [Fact]
    public async Task A_request_past_its_retention_is_gone_from_reads_transitions_listings_and_then_the_index()
    {
        var store = NewReplica(TimeSpan.FromMilliseconds(300));
        var gone = NewRequest();
        var kept = NewRequest();
        await store.TryAddAsync(gone, default);
        await store.TryAddAsync(kept, default);

        await store.CancelAsync(gone.Id, "alice", Start.AddMinutes(1), default);
        await RedisServer.WaitUntilAsync(() => !Db.KeyExists(Hash(gone.Id)), "the cancelled request's key did not expire", 5_000);

        Assert.Null(await store.GetAsync(gone.Id, default));
        Assert.Equal(AccessChange.NotFound, await store.ApproveAsync(gone.Id, new AccessApproval("bob", Start, null), TimeSpan.FromMinutes(1), default));
        Assert.Equal([kept.Id], (await store.ListAsync(_ => true, 10, default)).Select(r => r.Id));

        // The next sweep, a retention after its creation, takes the id out of the creation index.
        Assert.Empty(await store.ExpireDueAsync(Start.AddMinutes(2), default));
        Assert.Null(await Db.SortedSetScoreAsync(Created, gone.Id));
        Assert.NotNull(await Db.SortedSetScoreAsync(Created, kept.Id));
    }

    [Fact]
    public async Task Index_entries_without_their_request_count_for_nothing_and_are_pruned_once_past_the_retention()
    {
        var request = NewRequest(pendingTtl: TimeSpan.FromMinutes(5));
        await Store.TryAddAsync(request, default);
        var old = Start.AddDays(-8).ToUnixTimeMilliseconds();
        await Db.SortedSetAddAsync(Created, [new SortedSetEntry("stale-recent", Start.ToUnixTimeMilliseconds()), new SortedSetEntry("stale-old", old)]);
        await Db.SortedSetAddAsync(Due, "stale-recent", Start.ToUnixTimeMilliseconds());

        Assert.Equal([request.Id], (await Store.ListAsync(_ => true, 10, default)).Select(r => r.Id));
        Assert.Equal(request.Id, Assert.Single(await Store.ExpireDueAsync(Start.AddMinutes(5), default)).Id);

        // The sweep took the stale entry out of the deadline index, and pruned the creation index of the ids older
        // than the retention (7 days) whose request is gone; a recent id without a request may be one being added.
        Assert.Null(await Db.SortedSetScoreAsync(Due, "stale-recent"));
        Assert.Null(await Db.SortedSetScoreAsync(Due, request.Id));
        Assert.Null(await Db.SortedSetScoreAsync(Created, "stale-old"));
        Assert.NotNull(await Db.SortedSetScoreAsync(Created, "stale-recent"));
        Assert.NotNull(await Db.SortedSetScoreAsync(Created, request.Id));
    }

    /// <summary>Asserts that the request's key expires in <paramref name="expected"/>, less the little real time the test has taken.</summary>
    private async Task AssertKeptAsync(string id, TimeSpan expected)
    {
        var ttl = await Db.KeyTimeToLiveAsync(Hash(id));
        Assert.True(ttl is { } t && t <= expected && t > expected - TimeSpan.FromSeconds(10), $"the key expires in {ttl}, not {expected}");
    }

    private RedisKey Created => $"{_replicas.Prefix}:access-index";

    private RedisKey Due => $"{_replicas.Prefix}:access-due";

    private RedisKey Hash(string id) => $"{_replicas.Prefix}:access:{{{id}}}";

    private List<RedisKey> Keys() => [.. _client!.GetServer(fixture.Redis.Endpoint).Keys(pattern: $"{_replicas.Prefix}:*")];
}
