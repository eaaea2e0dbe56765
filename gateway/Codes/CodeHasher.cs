using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace LatchGateway.Codes;

/// <summary>Computes the keyed digest under which a code is stored.</summary>
internal sealed class CodeHasher
{
    private readonly byte[] _key;

    public CodeHasher(IOptions<LatchCodeOptions> options)
        : this(LatchCodeOptions.ResolveHashKey(options.Value.HashKey))
    {
    }

    public CodeHasher(byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        _key = key;
    }

    /// <summary>Digest of a normalised code (see <see cref="CrockfordBase32.Normalize"/>).</summary>
    public CodeDigest Compute(ReadOnlySpan<char> normalizedCode)
    {
        Span<byte> ascii = stackalloc byte[CrockfordBase32.MaxCodeLength];
        var length = Encoding.ASCII.GetBytes(normalizedCode, ascii);
        Span<byte> digest = stackalloc byte[CodeDigest.Size];
        HMACSHA256.HashData(_key, ascii[..length], digest);
        return new CodeDigest(digest);
    }
}
