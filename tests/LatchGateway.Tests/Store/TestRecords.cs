using System.Net;
using LatchGateway.Codes;
using LatchGateway.Store;

namespace LatchGateway.Tests.Store;

/// <summary>Builds code records the way the gateway stores them: digest of the normalised code, never the code.</summary>
internal static class TestRecords
{
    public static readonly byte[] Key = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];

    public static CodeHasher Hasher { get; } = new(Key);

    public static CodeDigest DigestOf(string code)
    {
        Span<char> normalized = stackalloc char[CrockfordBase32.MaxCodeLength];
        var length = CrockfordBase32.Normalize(code, normalized);
        if (length <= 0)
        {
            throw new ArgumentException("Not a code.", nameof(code));
        }

        return Hasher.Compute(normalized[..length]);
    }

    public static LatchCodeRecord Create(
        string code,
        DateTimeOffset issuedAt,
        string? id = null,
        string route = "r1",
        string? user = null,
        IPNetwork? network = null,
        TimeSpan? ttl = null) =>
        new(
            id ?? CrockfordBase32.Generate(20).ToLowerInvariant(),
            DigestOf(code),
            route,
            user,
            network,
            issuedAt,
            issuedAt + (ttl ?? TimeSpan.FromMinutes(2)),
            "ops",
            "test");
}
