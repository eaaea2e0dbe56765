using System.Net;
using LatchGateway.Lockout;
using Microsoft.Extensions.Time.Testing;

namespace LatchGateway.Tests.Lockout;

/// <summary>
/// The summary the memory store keeps of each lockout: the requests refused while it runs are counted, and once it
/// has ended it is handed out exactly once — by a sweep, or by the refusal that imposes the next lockout.
/// </summary>
public sealed class LockoutSummaryStoreTests
{
    private static readonly LatchLockoutOptions Options = new() { MaxFailures = 2, Window = TimeSpan.FromMinutes(1), Duration = TimeSpan.FromMinutes(5) };

    private static readonly LockoutSubject Client = LockoutSubject.ForClient(IPAddress.Parse("192.0.2.7"), Options);

    private readonly FakeTimeProvider _time = new();
    private readonly InMemoryLockoutStore _store;

    public LockoutSummaryStoreTests() => _store = new InMemoryLockoutStore(_time);

    [Fact]
    public async Task An_ended_lockout_is_handed_out_once_with_the_requests_it_refused_and_its_route()
    {
        var imposedAt = _time.GetUtcNow();
        await ImposeAsync("orders-admin");
        for (var i = 0; i < 7; i++)
        {
            Assert.Equal(RefusalCounting.AlreadyLockedOut, (await _store.CountRefusalAsync(Client, "exports", Options, default)).Result);
        }

        Assert.True(await _store.GetRemainingAsync(Client, default) > TimeSpan.Zero);
        Assert.Empty(await _store.ClaimEndedAsync(_time.GetUtcNow(), default));

        _time.Advance(Options.Duration);
        var ended = Assert.Single(await _store.ClaimEndedAsync(_time.GetUtcNow(), default));

        Assert.Equal(new EndedLockout(Client, imposedAt + Options.Duration, 8, "orders-admin"), ended);
        Assert.Empty(await _store.ClaimEndedAsync(_time.GetUtcNow(), default));
    }

    [Fact]
    public async Task Subjects_are_summarised_apart()
    {
        var user = LockoutSubject.ForUser("mallory");
        await ImposeAsync("orders-admin");
        await _store.CountRefusalAsync(user, "exports", Options, default);
        await _store.CountRefusalAsync(user, "exports", Options, default);
        await _store.CountRefusalAsync(user, "exports", Options, default);

        _time.Advance(Options.Duration);
        var ended = await _store.ClaimEndedAsync(_time.GetUtcNow(), default);

        Assert.Equal(2, ended.Count);
        Assert.Equal(0, ended.Single(e => e.Subject == Client).Suppressed);
        Assert.Equal(1, ended.Single(e => e.Subject == user).Suppressed);
        Assert.Equal("exports", ended.Single(e => e.Subject == user).Route);
    }

    [Fact]
    public async Task Concurrent_claims_hand_an_ended_lockout_to_one_only()
    {
        await ImposeAsync("orders-admin");
        _time.Advance(Options.Duration);

        var claims = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(async () => await _store.ClaimEndedAsync(_time.GetUtcNow(), default))));

        Assert.Single(claims.SelectMany(c => c));
    }

    [Theory]
    [InlineData("ip:192.0.2.7", "ClientIp", "192.0.2.7", 32, null)]
    [InlineData("ip:2001:db8:1:2::/64", "ClientIp", "2001:db8:1:2::", 64, null)]
    [InlineData("admin-ip:198.51.100.0/24", "AdminClientIp", "198.51.100.0", 24, null)]
    [InlineData("user:alice:with:colons", "User", null, 0, "alice:with:colons")]
    public void A_subject_key_reads_back_as_its_subject(string key, string kind, string? address, int prefix, string? user)
    {
        Assert.True(LockoutSubject.TryParseKey(key, out var subject));
        Assert.Equal(new LockoutSubject(Enum.Parse<LockoutKind>(kind), address is null ? null : IPAddress.Parse(address), prefix, user), subject);
        Assert.Equal(key, subject.Key);
    }

    [Theory]
    [InlineData("")]
    [InlineData("ip:")]
    [InlineData("ip:not-an-address")]
    [InlineData("ip:192.0.2.7/x")]
    [InlineData("host:192.0.2.7")]
    public void Text_that_names_no_subject_is_refused(string key) => Assert.False(LockoutSubject.TryParseKey(key, out _));

    private async Task ImposeAsync(string route)
    {
        Assert.Equal(RefusalCounting.Counted, (await _store.CountRefusalAsync(Client, route, Options, default)).Result);
        Assert.Equal(RefusalCounting.Imposed, (await _store.CountRefusalAsync(Client, route, Options, default)).Result);
    }
}
