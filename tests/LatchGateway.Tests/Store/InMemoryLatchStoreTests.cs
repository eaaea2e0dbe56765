using LatchGateway.Codes;
using LatchGateway.Store;
using Microsoft.Extensions.Time.Testing;

namespace LatchGateway.Tests.Store;

public sealed class InMemoryLatchStoreTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly InMemoryLatchStore _store;

    public InMemoryLatchStoreTests() => _store = new InMemoryLatchStore(_time);

    private DateTimeOffset Now => _time.GetUtcNow();

    [Fact]
    public async Task A_restored_code_is_live_again_and_a_revocation_asked_while_it_was_consumed_is_not_lost()
    {
        await _store.TryAddAsync(TestRecords.Create("AAAAA11111", Now, id: "restored"), default);
        await _store.TryAddAsync(TestRecords.Create("BBBBB22222", Now, id: "revoked"), default);
        var restored = TestRecords.DigestOf("AAAAA11111");
        var revoked = TestRecords.DigestOf("BBBBB22222");

        await _store.ConsumeAsync(restored, default);
        await _store.RestoreAsync(restored, default);
        await _store.ConsumeAsync(revoked, default);
        Assert.Null(await _store.RevokeAsync("revoked", default));
        await _store.RestoreAsync(revoked, default);

        Assert.NotNull(await _store.GetAsync("restored", default));
        Assert.Null(await _store.GetAsync("revoked", default));
        Assert.Equal(CodeState.Revoked, (await _store.ConsumeAsync(revoked, default)).PriorState);
    }

    [Fact]
    public async Task TryAdd_accepts_a_new_code()
    {
        Assert.True(await _store.TryAddAsync(TestRecords.Create("AAAAA11111", Now), default));

        Assert.Equal(1, _store.Count);
    }

    [Fact]
    public async Task TryAdd_rejects_a_duplicate_digest()
    {
        Assert.True(await _store.TryAddAsync(TestRecords.Create("AAAAA11111", Now, id: "first"), default));

        Assert.False(await _store.TryAddAsync(TestRecords.Create("aaaaa-11111", Now, id: "second"), default));

        Assert.Equal(1, _store.Count);
        Assert.Null(await _store.GetAsync("second", default));
        Assert.Equal("first", (await _store.ConsumeAsync(TestRecords.DigestOf("AAAAA11111"), default)).Record!.Id);
    }

    [Fact]
    public async Task TryAdd_rejects_a_duplicate_id_and_leaves_no_trace_of_the_rejected_code()
    {
        Assert.True(await _store.TryAddAsync(TestRecords.Create("AAAAA11111", Now, id: "same"), default));

        Assert.False(await _store.TryAddAsync(TestRecords.Create("BBBBB22222", Now, id: "same"), default));

        Assert.Equal(1, _store.Count);
        Assert.Null((await _store.ConsumeAsync(TestRecords.DigestOf("BBBBB22222"), default)).Record);
        Assert.Equal(CodeState.Live, (await _store.ConsumeAsync(TestRecords.DigestOf("AAAAA11111"), default)).PriorState);
    }

    [Fact]
    public async Task Consume_of_an_unknown_digest_finds_nothing()
    {
        var result = await _store.ConsumeAsync(TestRecords.DigestOf("CCCCC33333"), default);

        Assert.Null(result.Record);
        Assert.Equal(ConsumeResult.NotFound, result);
    }

    [Fact]
    public async Task Consume_moves_a_live_code_out_of_live_once()
    {
        var record = TestRecords.Create("AAAAA11111", Now);
        await _store.TryAddAsync(record, default);

        var first = await _store.ConsumeAsync(record.Digest, default);
        var second = await _store.ConsumeAsync(record.Digest, default);

        Assert.Equal(new ConsumeResult(record, CodeState.Live), first);
        Assert.Equal(new ConsumeResult(record, CodeState.Consumed), second);
    }

    [Fact]
    public async Task Concurrent_consumes_of_one_code_let_exactly_one_see_it_live()
    {
        const int Presenters = 64;
        for (var round = 0; round < 10; round++)
        {
            var record = TestRecords.Create("AAAAA1111" + round, Now);
            Assert.True(await _store.TryAddAsync(record, default));
            using var start = new ManualResetEventSlim();
            using var ready = new CountdownEvent(Presenters);

            var presentations = Enumerable.Range(0, Presenters)
                .Select(_ => Task.Factory.StartNew(
                    () =>
                    {
                        ready.Signal();
                        start.Wait();
                        return _store.ConsumeAsync(record.Digest, default).AsTask();
                    },
                    CancellationToken.None,
                    TaskCreationOptions.LongRunning,
                    TaskScheduler.Default).Unwrap())
                .ToArray();
            Assert.True(ready.Wait(TimeSpan.FromSeconds(10)));
            start.Set();
            var results = await Task.WhenAll(presentations);

            Assert.Single(results, r => r.PriorState == CodeState.Live);
            Assert.Equal(Presenters - 1, results.Count(r => r.PriorState == CodeState.Consumed));
            Assert.All(results, r => Assert.Same(record, r.Record));
        }
    }

    [Fact]
    public async Task Concurrent_consume_and_revoke_let_exactly_one_win()
    {
        for (var round = 0; round < 50; round++)
        {
            var record = TestRecords.Create("BBBBB2222" + (round % 10) + (round / 10), Now);
            Assert.True(await _store.TryAddAsync(record, default));

            var consume = Task.Run(() => _store.ConsumeAsync(record.Digest, default).AsTask());
            var revoke = Task.Run(() => _store.RevokeAsync(record.Id, default).AsTask());
            var consumed = await consume;
            var revoked = await revoke;

            Assert.True((consumed.PriorState == CodeState.Live) ^ (revoked is not null));
        }
    }

    [Fact]
    public async Task Revoke_revokes_a_live_unexpired_code_once()
    {
        var record = TestRecords.Create("AAAAA11111", Now);
        await _store.TryAddAsync(record, default);

        Assert.Same(record, await _store.RevokeAsync(record.Id, default));
        Assert.Null(await _store.RevokeAsync(record.Id, default));
        Assert.Equal(CodeState.Revoked, (await _store.ConsumeAsync(record.Digest, default)).PriorState);
    }

    [Fact]
    public async Task Revoke_refuses_unknown_consumed_and_expired_codes()
    {
        var consumed = TestRecords.Create("AAAAA11111", Now);
        var expired = TestRecords.Create("BBBBB22222", Now, ttl: TimeSpan.FromSeconds(10));
        await _store.TryAddAsync(consumed, default);
        await _store.TryAddAsync(expired, default);
        await _store.ConsumeAsync(consumed.Digest, default);
        _time.Advance(TimeSpan.FromSeconds(10));

        Assert.Null(await _store.RevokeAsync("nope", default));
        Assert.Null(await _store.RevokeAsync(consumed.Id, default));
        Assert.Null(await _store.RevokeAsync(expired.Id, default));
        Assert.Equal(CodeState.Consumed, (await _store.ConsumeAsync(consumed.Digest, default)).PriorState);
        Assert.Equal(CodeState.Live, (await _store.ConsumeAsync(expired.Digest, default)).PriorState);
    }

    [Fact]
    public async Task Get_returns_only_live_unexpired_codes()
    {
        var live = TestRecords.Create("AAAAA11111", Now, ttl: TimeSpan.FromSeconds(60));
        var consumed = TestRecords.Create("BBBBB22222", Now);
        var revoked = TestRecords.Create("CCCCC33333", Now);
        var expiring = TestRecords.Create("DDDDD44444", Now, ttl: TimeSpan.FromSeconds(30));
        foreach (var record in new[] { live, consumed, revoked, expiring })
        {
            await _store.TryAddAsync(record, default);
        }

        await _store.ConsumeAsync(consumed.Digest, default);
        await _store.RevokeAsync(revoked.Id, default);

        Assert.Same(live, await _store.GetAsync(live.Id, default));
        Assert.Same(expiring, await _store.GetAsync(expiring.Id, default));
        Assert.Null(await _store.GetAsync(consumed.Id, default));
        Assert.Null(await _store.GetAsync(revoked.Id, default));
        Assert.Null(await _store.GetAsync("unknown", default));

        _time.Advance(TimeSpan.FromSeconds(30));

        Assert.Null(await _store.GetAsync(expiring.Id, default));
        Assert.Same(live, await _store.GetAsync(live.Id, default));
    }

    [Fact]
    public async Task Get_matches_ids_exactly()
    {
        var record = TestRecords.Create("AAAAA11111", Now, id: "abcde");
        await _store.TryAddAsync(record, default);

        Assert.Null(await _store.GetAsync("ABCDE", default));
    }

    [Fact]
    public async Task List_returns_live_unexpired_codes_newest_first()
    {
        var oldest = TestRecords.Create("AAAAA11111", Now, ttl: TimeSpan.FromMinutes(5));
        _time.Advance(TimeSpan.FromSeconds(1));
        var middle = TestRecords.Create("BBBBB22222", Now, ttl: TimeSpan.FromMinutes(5));
        _time.Advance(TimeSpan.FromSeconds(1));
        var newest = TestRecords.Create("CCCCC33333", Now, ttl: TimeSpan.FromMinutes(5));
        var consumed = TestRecords.Create("DDDDD44444", Now);
        var revoked = TestRecords.Create("EEEEE55555", Now);
        var expired = TestRecords.Create("FFFFF66666", Now - TimeSpan.FromMinutes(10));
        foreach (var record in new[] { middle, newest, oldest, consumed, revoked, expired })
        {
            await _store.TryAddAsync(record, default);
        }

        await _store.ConsumeAsync(consumed.Digest, default);
        await _store.RevokeAsync(revoked.Id, default);

        var listed = await ListAsync(null, null);

        Assert.Equal([newest.Id, middle.Id, oldest.Id], listed.Select(r => r.Id));
    }

    [Fact]
    public async Task List_filters_by_route_and_user_exactly()
    {
        var r1Alice = TestRecords.Create("AAAAA11111", Now, id: "1", route: "r1", user: "alice");
        var r1Bob = TestRecords.Create("BBBBB22222", Now, id: "2", route: "r1", user: "bob");
        var r2Alice = TestRecords.Create("CCCCC33333", Now, id: "3", route: "r2", user: "alice");
        var r1Nobody = TestRecords.Create("DDDDD44444", Now, id: "4", route: "r1");
        foreach (var record in new[] { r1Alice, r1Bob, r2Alice, r1Nobody })
        {
            await _store.TryAddAsync(record, default);
        }

        Assert.Equal(["1", "2", "4"], await ListedIds("r1", null));
        Assert.Equal(["1", "3"], await ListedIds(null, "alice"));
        Assert.Equal(["1"], await ListedIds("r1", "alice"));
        Assert.Empty(await ListAsync("R1", null));
        Assert.Empty(await ListAsync(null, "Alice"));
        Assert.Empty(await ListAsync("r3", null));
    }

    [Fact]
    public async Task Sweep_removes_expired_codes_whatever_their_state_and_nothing_unexpired()
    {
        var shortLive = TestRecords.Create("AAAAA11111", Now, ttl: TimeSpan.FromSeconds(10));
        var shortConsumed = TestRecords.Create("BBBBB22222", Now, ttl: TimeSpan.FromSeconds(10));
        var shortRevoked = TestRecords.Create("CCCCC33333", Now, ttl: TimeSpan.FromSeconds(10));
        var longLive = TestRecords.Create("DDDDD44444", Now, ttl: TimeSpan.FromSeconds(60));
        var longConsumed = TestRecords.Create("EEEEE55555", Now, ttl: TimeSpan.FromSeconds(60));
        foreach (var record in new[] { shortLive, shortConsumed, shortRevoked, longLive, longConsumed })
        {
            await _store.TryAddAsync(record, default);
        }

        await _store.ConsumeAsync(shortConsumed.Digest, default);
        await _store.ConsumeAsync(longConsumed.Digest, default);
        await _store.RevokeAsync(shortRevoked.Id, default);

        _time.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(0, _store.Sweep());
        Assert.Equal(5, _store.Count);

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(3, _store.Sweep());
        Assert.Equal(2, _store.Count);
        Assert.Null((await _store.ConsumeAsync(shortLive.Digest, default)).Record);
        Assert.Null((await _store.ConsumeAsync(shortConsumed.Digest, default)).Record);
        Assert.Null((await _store.ConsumeAsync(shortRevoked.Digest, default)).Record);
        Assert.Same(longLive, await _store.GetAsync(longLive.Id, default));
        Assert.Equal(CodeState.Consumed, (await _store.ConsumeAsync(longConsumed.Digest, default)).PriorState);
    }

    [Fact]
    public async Task Sweep_empties_the_store_once_every_code_has_expired()
    {
        for (var i = 0; i < 500; i++)
        {
            var record = TestRecords.Create(CodeFor(i), Now, ttl: TimeSpan.FromSeconds(1 + (i % 120)));
            Assert.True(await _store.TryAddAsync(record, default));
            if (i % 3 == 0)
            {
                await _store.ConsumeAsync(record.Digest, default);
            }
            else if (i % 3 == 1)
            {
                await _store.RevokeAsync(record.Id, default);
            }
        }

        Assert.Equal(500, _store.Count);
        _time.Advance(TimeSpan.FromSeconds(120));

        Assert.Equal(500, _store.Sweep());
        Assert.Equal(0, _store.Count);
        Assert.Equal(0, _store.Sweep());
    }

    [Fact]
    public async Task A_swept_code_digest_and_id_can_be_reused()
    {
        var record = TestRecords.Create("AAAAA11111", Now, ttl: TimeSpan.FromSeconds(1));
        await _store.TryAddAsync(record, default);
        _time.Advance(TimeSpan.FromSeconds(1));
        _store.Sweep();

        var again = TestRecords.Create("AAAAA11111", Now, id: record.Id);

        Assert.True(await _store.TryAddAsync(again, default));
        Assert.Equal(CodeState.Live, (await _store.ConsumeAsync(again.Digest, default)).PriorState);
    }

    [Fact]
    public async Task Is_always_available()
    {
        Assert.True(await _store.IsAvailableAsync(default));
    }

    private async Task<IEnumerable<string>> ListedIds(string? route, string? user) =>
        (await ListAsync(route, user)).Select(r => r.Id).Order(StringComparer.Ordinal);

    /// <summary>The first page, as long as the API's longest.</summary>
    private async Task<IReadOnlyList<LatchCodeRecord>> ListAsync(string? route, string? user) =>
        (await _store.ListAsync(new LatchGateway.Contracts.LatchCodeQuery(route, user, LatchGateway.Contracts.LatchCodeQuery.MaxLimit, null), default))!.Codes;

    private static string CodeFor(int i) => "ZZZ" + CrockfordBase32Digits(i);

    private static string CrockfordBase32Digits(int value)
    {
        const string Alphabet = CrockfordBase32.Alphabet;
        var chars = new char[7];
        for (var i = chars.Length - 1; i >= 0; i--)
        {
            chars[i] = Alphabet[value % 32];
            value /= 32;
        }

        return new string(chars);
    }
}
