using LatchGateway.Codes;
using LatchGateway.Store;

namespace LatchGateway.Benchmarks;

/// <summary>
/// Codes as the admin API issues them (random Crockford base32, shown as <c>XXXXX-XXXXX</c>) with their digests
/// and records, made once; <see cref="AddTo"/> puts them in a store as live codes, as often as needed.
/// </summary>
internal sealed class IssuedCodes
{
    public static readonly TimeSpan ShortTtl = TimeSpan.FromMinutes(1);

    public static readonly TimeSpan LongTtl = TimeSpan.FromDays(365);

    private IssuedCodes(string[] presented, CodeDigest[] digests, LatchCodeRecord[] records)
    {
        Presented = presented;
        Digests = digests;
        Records = records;
    }

    /// <summary>The codes as a client presents them: <c>XXXXX-XXXXX</c>.</summary>
    public string[] Presented { get; }

    public CodeDigest[] Digests { get; }

    public LatchCodeRecord[] Records { get; }

    public int Count => Records.Length;

    public static IssuedCodes Create(int count, CodeHasher hasher, string route, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(hasher);
        var presented = new string[count];
        var digests = new CodeDigest[count];
        var records = new LatchCodeRecord[count];
        var code = new char[10];
        for (var i = 0; i < count; i++)
        {
            CrockfordBase32.Fill(code);
            presented[i] = CrockfordBase32.Format(code);
            digests[i] = hasher.Compute(code);
            records[i] = new LatchCodeRecord(
                CrockfordBase32.Generate(20).ToLowerInvariant(), digests[i], route, null, null, now, now + ShortTtl, "bench", null);
        }

        return new IssuedCodes(presented, digests, records);
    }

    /// <summary>Adds every code to <paramref name="store"/> as live, issued now and expiring after <paramref name="ttl"/>.</summary>
    public void AddTo(InMemoryLatchStore store, DateTimeOffset now, TimeSpan ttl)
    {
        ArgumentNullException.ThrowIfNull(store);
        foreach (var record in Records)
        {
            var added = store.TryAddAsync(record with { IssuedAt = now, ExpiresAt = now + ttl }, CancellationToken.None);
            if (!added.IsCompletedSuccessfully || !added.Result)
            {
                throw new InvalidOperationException("A benchmark code could not be added to the store (duplicate?).");
            }
        }
    }
}
