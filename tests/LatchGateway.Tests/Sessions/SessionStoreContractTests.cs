using System.Net;
using System.Security.Cryptography;
using System.Text;
using LatchGateway.Codes;
using LatchGateway.Sessions;
using Microsoft.Extensions.Time.Testing;

namespace LatchGateway.Tests.Sessions;

/// <summary>
/// What every session store does, run on each of them (see the subclasses): the memory store on a fake clock, the
/// Redis store on a real <c>redis-server</c>. Uses name their time explicitly, so expiry and idleness need no wait.
/// </summary>
public abstract class SessionStoreContractTests : IAsyncLifetime
{
    private static readonly byte[] TokenKey = [.. Enumerable.Range(1, 32).Select(i => (byte)(i * 3))];

    private int _sessions;

    protected FakeTimeProvider Time { get; } = new();

    private protected ISessionStore Store { get; private set; } = null!;

    private DateTimeOffset Now => Time.GetUtcNow();

    public async Task InitializeAsync() => Store = await CreateStoreAsync();

    public virtual Task DisposeAsync() => Task.CompletedTask;

    private protected abstract Task<ISessionStore> CreateStoreAsync();

    [Fact]
    public async Task An_added_session_is_open_on_each_use_until_it_ends()
    {
        var (token, session) = NewSession(user: "alice", network: IPNetwork.Parse("10.1.0.0/16"), idle: TimeSpan.FromMinutes(5));
        Assert.True(await Store.TryAddAsync(session, default));

        for (var i = 0; i < 3; i++)
        {
            var lookup = await Store.UseAsync(Digest(token), Now.AddSeconds(i), default);
            Assert.Equal(SessionState.Open, lookup.State);
            Assert.Equal(session, lookup.Session);
        }
    }

    [Fact]
    public async Task An_unknown_token_finds_nothing()
    {
        Assert.True(await Store.TryAddAsync(NewSession().Session, default));

        var lookup = await Store.UseAsync(Digest(NewToken()), Now, default);

        Assert.Equal(SessionState.Unknown, lookup.State);
        Assert.Null(lookup.Session);
    }

    [Fact]
    public async Task A_session_is_open_until_its_end_time_then_told_expired_once_then_unknown()
    {
        var (token, session) = NewSession(lifetime: TimeSpan.FromMinutes(15));
        await Store.TryAddAsync(session, default);

        Assert.Equal(SessionState.Open, (await Store.UseAsync(Digest(token), session.ExpiresAt.AddMilliseconds(-1), default)).State);
        var ended = await Store.UseAsync(Digest(token), session.ExpiresAt, default);
        Assert.Equal(SessionState.Expired, ended.State);
        Assert.Equal(session, ended.Session);
        Assert.Equal(SessionLookup.Unknown, await Store.UseAsync(Digest(token), session.ExpiresAt, default));
        Assert.Null(await Store.EndAsync(session.Id, default));
    }

    [Fact]
    public async Task A_session_unused_for_its_idle_timeout_is_told_idle_once_then_unknown()
    {
        var (token, session) = NewSession(idle: TimeSpan.FromMinutes(5));
        await Store.TryAddAsync(session, default);

        var ended = await Store.UseAsync(Digest(token), session.OpenedAt + TimeSpan.FromMinutes(5), default);

        Assert.Equal(SessionState.Idle, ended.State);
        Assert.Equal(session, ended.Session);
        Assert.Equal(SessionLookup.Unknown, await Store.UseAsync(Digest(token), session.OpenedAt + TimeSpan.FromMinutes(5), default));
    }

    [Theory]
    [InlineData(60)]
    [InlineData(240)]
    public async Task A_session_used_more_often_than_its_idle_timeout_stays_open_until_left_idle(int spacingSeconds)
    {
        var idle = TimeSpan.FromMinutes(5);
        var (token, session) = NewSession(lifetime: TimeSpan.FromHours(1), idle: idle);
        await Store.TryAddAsync(session, default);

        var at = session.OpenedAt;
        for (var i = 0; i < 10; i++)
        {
            at += TimeSpan.FromSeconds(spacingSeconds);
            Assert.Equal(SessionState.Open, (await Store.UseAsync(Digest(token), at, default)).State);
        }

        Time.SetUtcNow(at);
        Assert.Contains(await Store.ListAsync(null, null, default), s => s.Id == session.Id);
        Assert.Equal(SessionState.Idle, (await Store.UseAsync(Digest(token), at + idle, default)).State);
    }

    [Fact]
    public async Task Ending_a_session_by_id_returns_it_once_and_it_is_unknown_at_once()
    {
        var (token, session) = NewSession();
        var (otherToken, other) = NewSession();
        await Store.TryAddAsync(session, default);
        await Store.TryAddAsync(other, default);

        Assert.Equal(session, await Store.EndAsync(session.Id, default));
        Assert.Null(await Store.EndAsync(session.Id, default));
        Assert.Null(await Store.EndAsync("no-such-session", default));
        Assert.Equal(SessionLookup.Unknown, await Store.UseAsync(Digest(token), Now, default));
        Assert.Equal(SessionState.Open, (await Store.UseAsync(Digest(otherToken), Now, default)).State);
        Assert.DoesNotContain(await Store.ListAsync(null, null, default), s => s.Id == session.Id);
    }

    [Fact]
    public async Task Ending_the_sessions_of_a_code_ends_exactly_those_and_returns_them_once()
    {
        var (firstToken, first) = NewSession(codeId: "code-a");
        var (secondToken, second) = NewSession(codeId: "code-a");
        var (otherToken, other) = NewSession(codeId: "code-b");
        foreach (var session in new[] { first, second, other })
        {
            await Store.TryAddAsync(session, default);
        }

        var ended = await Store.EndOpenedByAsync("code-a", default);

        Assert.Equal([first.Id, second.Id], ended.Select(s => s.Id).Order(StringComparer.Ordinal));
        Assert.Empty(await Store.EndOpenedByAsync("code-a", default));
        Assert.Empty(await Store.EndOpenedByAsync("code-c", default));
        Assert.Equal(SessionLookup.Unknown, await Store.UseAsync(Digest(firstToken), Now, default));
        Assert.Equal(SessionLookup.Unknown, await Store.UseAsync(Digest(secondToken), Now, default));
        Assert.Equal(SessionState.Open, (await Store.UseAsync(Digest(otherToken), Now, default)).State);
        Assert.Equal([other.Id], (await Store.ListAsync(null, null, default)).Select(s => s.Id));
    }

    [Fact]
    public async Task Listing_shows_open_sessions_newest_first_filtered_by_route_and_user()
    {
        var opened = new List<LatchSession>();
        foreach (var (route, user, lifetime) in new[] { ("r1", "alice", 60), ("r2", "alice", 60), ("r1", (string?)null, 60), ("r1", "bob", 5), ("r1", "alice", 60) })
        {
            var session = NewSession(route: route, user: user, lifetime: TimeSpan.FromMinutes(lifetime)).Session;
            Assert.True(await Store.TryAddAsync(session, default));
            opened.Add(session);
            Time.Advance(TimeSpan.FromSeconds(1));
        }

        await Store.EndAsync(opened[4].Id, default);
        Time.Advance(TimeSpan.FromMinutes(5));

        // opened[3] is past its end, opened[4] was ended.
        Assert.Equal([opened[2].Id, opened[1].Id, opened[0].Id], (await Store.ListAsync(null, null, default)).Select(s => s.Id));
        Assert.Equal([opened[2].Id, opened[0].Id], (await Store.ListAsync("r1", null, default)).Select(s => s.Id));
        Assert.Equal([opened[1].Id, opened[0].Id], (await Store.ListAsync(null, "alice", default)).Select(s => s.Id));
        Assert.Equal([opened[0]], await Store.ListAsync("r1", "alice", default));
        Assert.Empty(await Store.ListAsync("r3", null, default));
    }

    [Fact]
    public async Task Of_many_concurrent_uses_at_the_end_time_exactly_one_is_told_the_session_expired()
    {
        var (token, session) = NewSession();
        await Store.TryAddAsync(session, default);

        var states = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ =>
            Task.Run(async () => (await Store.UseAsync(Digest(token), session.ExpiresAt, default)).State)));

        Assert.Equal(1, states.Count(s => s == SessionState.Expired));
        Assert.Equal(39, states.Count(s => s == SessionState.Unknown));
    }

    [Fact]
    public async Task Of_concurrent_ends_of_one_session_exactly_one_returns_it()
    {
        var (_, session) = NewSession(codeId: "code-a");
        await Store.TryAddAsync(session, default);

        var byId = Enumerable.Range(0, 10).Select(_ => Task.Run(async () => await Store.EndAsync(session.Id, default) is null ? 0 : 1));
        var byCode = Enumerable.Range(0, 10).Select(_ => Task.Run(async () => (await Store.EndOpenedByAsync("code-a", default)).Count));

        Assert.Equal(1, (await Task.WhenAll(byId.Concat(byCode))).Sum());
    }

    [Fact]
    public async Task A_session_whose_token_digest_or_id_exists_is_not_added()
    {
        var (token, session) = NewSession();
        var (otherToken, other) = NewSession();
        Assert.True(await Store.TryAddAsync(session, default));

        Assert.False(await Store.TryAddAsync(other with { TokenDigest = session.TokenDigest }, default));
        Assert.False(await Store.TryAddAsync(other with { Id = session.Id }, default));

        Assert.Equal(session, (await Store.UseAsync(Digest(token), Now, default)).Session);
        Assert.Equal(SessionLookup.Unknown, await Store.UseAsync(Digest(otherToken), Now, default));
        Assert.Equal(session, await Store.EndAsync(session.Id, default));
    }

    /// <summary>A token as the gateway hands it out: 256 random bits, base64url.</summary>
    protected static string NewToken() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The keyed digest under which a token is stored.</summary>
    private protected static CodeDigest Digest(string token) => new(HMACSHA256.HashData(TokenKey, Encoding.ASCII.GetBytes(token)));

    private protected (string Token, LatchSession Session) NewSession(
        string codeId = "code-1",
        string route = "r1",
        string? user = null,
        IPNetwork? network = null,
        TimeSpan? lifetime = null,
        TimeSpan? idle = null)
    {
        var token = NewToken();
        var session = new LatchSession(
            $"session-{Interlocked.Increment(ref _sessions)}-{Guid.NewGuid():N}",
            Digest(token),
            codeId,
            route,
            user,
            network ?? IPNetwork.Parse("127.0.0.1/32"),
            Now,
            Now + (lifetime ?? TimeSpan.FromMinutes(15)),
            idle);
        return (token, session);
    }
}
