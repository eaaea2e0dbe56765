using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace LatchGateway.Codes;

/// <summary>
/// Computes the keyed digest under which a code is stored. Each thread keeps its own keyed HMAC, so a digest costs
/// the hash alone, not the key schedule, and allocates nothing.
/// </summary>
internal sealed class CodeHasher : IDisposable
{
    private readonly ThreadLocal<IncrementalHash> _hmac;

    public CodeHasher(IOptions<LatchCodeOptions> options)
        : this(LatchCodeOptions.ResolveHashKey(options.Value.HashKey))
    {
    }

    public CodeHasher(byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var copy = key.ToArray();
        // Not trackAllValues: a thread's instance goes (and is finalised) with the thread, so the thread pool's
        // turnover over weeks of uptime leaves nothing behind.
        _hmac = new ThreadLocal<IncrementalHash>(() => IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, copy));
    }

    /// <summary>Digest of a normalised code (see <see cref="CrockfordBase32.Normalize"/>).</summary>
    public CodeDigest Compute(ReadOnlySpan<char> normalizedCode)
    {
        Span<byte> ascii = stackalloc byte[CrockfordBase32.MaxCodeLength];
        var length = Encoding.ASCII.GetBytes(normalizedCode, ascii);
        Span<byte> digest = stackalloc byte[CodeDigest.Size];
        var hmac = _hmac.Value!;
        hmac.AppendData(ascii[..length]);
        hmac.GetHashAndReset(digest);
        return new CodeDigest(digest);
    }

    public void Dispose() => _hmac.Dispose();
}
