using LatchGateway.Codes;
using LatchGateway.Contracts;
using LatchGateway.Store;
using Microsoft.Extensions.Time.Testing;

namespace LatchGateway.Tests.Store;

/// <summary>
/// The embedded store keeps the gateway's ids packed and its codes in growing and shrinking tables: what an admin
/// sees (lookups by id, the listing's order and pages, revocation, expiry) is the same for ids of any form and at any
/// number of codes.
/// </summary>
public sealed class MemoryFootprintStoreTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly InMemoryLatchStore _store;

    public MemoryFootprintStoreTests() => _store = new InMemoryLatchStore(_time);

    private DateTimeOffset Now => _time.GetUtcNow();

    [Fact]
    public async Task Ids_of_the_gateways_form_and_of_other_forms_are_found_listed_in_ordinal_order_and_paged_without_gaps()
    {
        // Issued in the same millisecond, so the listing orders them by id alone: packed and text ids side by side.
        var ids = new List<string> { "code1", "Zulu", "0000000000000000000z", "zzzzzzzzzzzzzzzzzzzz", "ABCDEFGHJKMNPQRSTVWX" };
        for (var i = 0; i < 300; i++)
        {
            ids.Add(CrockfordBase32.NewId());
        }

        for (var i = 0; i < ids.Count; i++)
        {
            Assert.True(await _store.TryAddAsync(TestRecords.Create(Code(i), Now, id: ids[i]), default));
        }

        foreach (var id in ids)
        {
            Assert.Equal(id, (await _store.GetAsync(id, default))?.Id);
        }

        Assert.Null(await _store.GetAsync(ids[10].ToUpperInvariant(), default)); // ids match exactly, as text
        var listed = new List<string>();
        string? cursor = null;
        do
        {
            var page = (await _store.ListAsync(new LatchCodeQuery(null, null, 7, cursor), default))!;
            listed.AddRange(page.Codes.Select(code => code.Id));
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        Assert.Equal(ids.OrderByDescending(id => id, StringComparer.Ordinal), listed);
    }

    [Fact]
    public async Task Thousands_of_codes_come_and_go_and_every_one_is_consumed_once_revoked_once_and_swept_once()
    {
        const int Count = 5000;
        var ids = new string[Count];
        for (var i = 0; i < Count; i++)
        {
            var record = TestRecords.Create(Code(i), Now, ttl: TimeSpan.FromMinutes(i % 2 == 0 ? 1 : 10));
            ids[i] = record.Id;
            Assert.True(await _store.TryAddAsync(record, default));
        }

        for (var i = 0; i < Count; i += 3)
        {
            Assert.Equal(CodeState.Live, (await _store.ConsumeAsync(TestRecords.DigestOf(Code(i)), default)).PriorState);
            Assert.Equal(CodeState.Consumed, (await _store.ConsumeAsync(TestRecords.DigestOf(Code(i)), default)).PriorState);
        }

        for (var i = 1; i < Count; i += 3)
        {
            Assert.Equal(ids[i], (await _store.RevokeAsync(ids[i], default))?.Id);
            Assert.Null(await _store.RevokeAsync(ids[i], default));
        }

        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(Count / 2, _store.Sweep());
        Assert.Equal(0, _store.Sweep());

        var live = 0;
        for (var i = 0; i < Count; i++)
        {
            var kept = i % 2 == 1;
            var fresh = kept && i % 3 == 2;
            Assert.Equal(fresh, await _store.GetAsync(ids[i], default) is not null);
            var consumed = await _store.ConsumeAsync(TestRecords.DigestOf(Code(i)), default);
            Assert.Equal(kept, consumed.Record is not null);
            live += consumed.PriorState == CodeState.Live && consumed.Record is not null ? 1 : 0;
        }

        Assert.Equal(Enumerable.Range(0, Count).Count(i => i % 2 == 1 && i % 3 == 2), live);
        Assert.Equal(Count / 2, _store.Count);
    }

    // Distinct valid codes: the number in base 32, padded to ten symbols.
    private static string Code(int i)
    {
        var symbols = new char[10];
        for (var k = symbols.Length - 1; k >= 0; k--, i /= 32)
        {
            symbols[k] = CrockfordBase32.Alphabet[i % 32];
        }

        return new string(symbols);
    }
}
