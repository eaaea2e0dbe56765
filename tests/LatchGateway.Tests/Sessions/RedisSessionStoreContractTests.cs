using LatchGateway.Sessions;
using LatchGateway.Tests.Infrastructure;
using StackExchange.Redis;

namespace LatchGateway.Tests.Sessions;

/// <summary>
/// The session store contract on a real <c>redis-server</c>, each test under a key prefix of its own; then what is
/// particular to Redis: what is kept there, for how long, how often a use writes, and replicas sharing sessions.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes it through IAsyncLifetime.DisposeAsync.")]
public sealed class RedisSessionStoreContractTests(RedisServerFixture fixture) : SessionStoreContractTests, IClassFixture<RedisServerFixture>
{
    private readonly RedisReplicas _replicas = new(fixture.Redis.Endpoint, "sessions");
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

    private protected override async Task<ISessionStore> CreateStoreAsync()
    {
        _client = await ConnectionMultiplexer.ConnectAsync(fixture.Redis.Endpoint);
        return NewReplica();
    }

    [Fact]
    public async Task Redis_holds_no_token_only_its_digest()
    {
        var sessions = new List<(string Token, LatchSession Session)>();
        for (var i = 0; i < 3; i++)
        {
            var session = NewSession(codeId: $"code-{i}", user: "alice", idle: TimeSpan.FromMinutes(4));
            await Store.TryAddAsync(session.Session, default);
            await Store.UseAsync(Digest(session.Token), session.Session.OpenedAt + TimeSpan.FromMinutes(2), default);
            sessions.Add(session);
        }

        var dump = await DumpAsync();
        foreach (var (token, session) in sessions)
        {
            var bytes = Convert.FromBase64String(token.Replace('-', '+').Replace('_', '/') + "=");
            Assert.DoesNotContain(token, dump, StringComparison.Ordinal);
            Assert.DoesNotContain(Convert.ToHexString(bytes), dump, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(Convert.ToBase64String(bytes), dump, StringComparison.Ordinal);
            Assert.Contains(session.TokenDigest.ToHex(), dump, StringComparison.Ordinal);
            Assert.Contains(session.Id, dump, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Every_key_expires_with_its_session_after_a_short_grace()
    {
        var idle = NewSession(codeId: "code-a", lifetime: TimeSpan.FromHours(1), idle: TimeSpan.FromMinutes(5)).Session;
        var plain = NewSession(codeId: "code-a", lifetime: TimeSpan.FromMinutes(20)).Session;
        await Store.TryAddAsync(idle, default);
        await Store.TryAddAsync(plain, default);
        var grace = RedisSessionStore.EndGrace;

        var keys = Keys();
        Assert.Equal(5, keys.Count); // two hashes, two id pointers, the index of the code's shard
        foreach (var key in keys)
        {
            var ttl = await Db.KeyTimeToLiveAsync(key);
            var ofPlain = key.ToString().Contains(plain.TokenDigest.ToHex(), StringComparison.Ordinal) || key.ToString().Contains(plain.Id, StringComparison.Ordinal);
            var longest = ofPlain
                ? TimeSpan.FromMinutes(20) + grace
                : TimeSpan.FromHours(1) + grace;
            Assert.True(ttl is { } t && t > TimeSpan.Zero && t <= longest, $"{key} expires in {ttl}, beyond {longest}");
        }

        // An idle session's hash lives no longer than its idle timeout (and the grace) after its last noted use.
        Assert.InRange(await Db.KeyTimeToLiveAsync(Hash(idle)) ?? TimeSpan.MaxValue, TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(5) + grace);
    }

    [Fact]
    public async Task A_use_writes_the_last_use_only_once_a_quarter_of_the_idle_timeout_has_passed()
    {
        var (token, session) = NewSession(lifetime: TimeSpan.FromHours(1), idle: TimeSpan.FromMinutes(4));
        await Store.TryAddAsync(session, default);
        var opened = session.OpenedAt;

        await Store.UseAsync(Digest(token), opened + TimeSpan.FromSeconds(30), default);
        Assert.Equal(opened.ToUnixTimeMilliseconds(), (long)await Db.HashGetAsync(Hash(session), "lu"));

        await Store.UseAsync(Digest(token), opened + TimeSpan.FromMinutes(1), default);
        Assert.Equal((opened + TimeSpan.FromMinutes(1)).ToUnixTimeMilliseconds(), (long)await Db.HashGetAsync(Hash(session), "lu"));

        // The last request came at 1:50 but 1:00 is noted: the session goes idle after 3:10 without a request,
        // earlier than the 4:00 configured, never later.
        await Store.UseAsync(Digest(token), opened + TimeSpan.FromSeconds(110), default);
        Assert.Equal(SessionState.Idle, (await Store.UseAsync(Digest(token), opened + TimeSpan.FromMinutes(5), default)).State);
    }

    [Fact]
    public async Task A_session_opened_on_one_replica_is_used_and_ended_on_another()
    {
        var replicaB = NewReplica();
        var (token, session) = NewSession(codeId: "code-a", idle: TimeSpan.FromMinutes(5));
        var (otherToken, other) = NewSession(codeId: "code-b");
        Assert.True(await Store.TryAddAsync(session, default));
        Assert.True(await Store.TryAddAsync(other, default));

        Assert.Equal(session, (await replicaB.UseAsync(Digest(token), session.OpenedAt.AddMinutes(2), default)).Session);
        Assert.Equal([session.Id, other.Id], (await replicaB.ListAsync(null, null, default)).Select(s => s.Id).Order(StringComparer.Ordinal));
        Assert.Equal(session, await replicaB.EndAsync(session.Id, default));
        Assert.Equal(other, Assert.Single(await replicaB.EndOpenedByAsync("code-b", default)));

        Assert.Equal(SessionLookup.Unknown, await Store.UseAsync(Digest(token), Time.GetUtcNow(), default));
        Assert.Equal(SessionLookup.Unknown, await Store.UseAsync(Digest(otherToken), Time.GetUtcNow(), default));
        Assert.Null(await Store.EndAsync(session.Id, default));
        Assert.Empty(await Store.ListAsync(null, null, default));
    }

    [Fact]
    public async Task An_ended_session_leaves_no_key_behind()
    {
        var (token, session) = NewSession(codeId: "code-a");
        var (_, other) = NewSession(codeId: "code-a");
        await Store.TryAddAsync(session, default);
        await Store.TryAddAsync(other, default);

        await Store.UseAsync(Digest(token), session.ExpiresAt, default);
        await Store.EndAsync(other.Id, default);

        // The tidying after an end is sent without waiting for its answer.
        await RedisServer.WaitUntilAsync(() => Keys().Count == 0, $"keys left: {string.Join(", ", Keys())}", 2_000);
    }

    private RedisSessionStore NewReplica()
    {
        return new RedisSessionStore(_replicas.Open(), _replicas.Options, Time);
    }

    private RedisKey Hash(LatchSession session) =>
        $"{_replicas.Prefix}:session:{{{LatchGateway.Store.Redis.RedisKeys.ShardTags[LatchGateway.Codes.CodeShard.Of(session.TokenDigest)]}}}:{session.TokenDigest.ToHex()}";

    private List<RedisKey> Keys() => [.. _client!.GetServer(fixture.Redis.Endpoint).Keys(pattern: $"{_replicas.Prefix}:*")];

    private async Task<string> DumpAsync()
    {
        var text = new System.Text.StringBuilder();
        foreach (var key in Keys())
        {
            text.Append(key.ToString()).Append('\n');
            var values = await Db.KeyTypeAsync(key) switch
            {
                RedisType.Hash => (await Db.HashGetAllAsync(key)).SelectMany(e => new[] { e.Name, e.Value }),
                RedisType.String => [await Db.StringGetAsync(key)],
                RedisType.Set => await Db.SetMembersAsync(key),
                RedisType.SortedSet => await Db.SortedSetRangeByRankAsync(key),
                var other => throw new InvalidOperationException($"{key} is a {other}"),
            };
            foreach (var value in values)
            {
                text.Append(value.ToString()).Append('\n');
            }
        }

        return text.ToString();
    }
}
