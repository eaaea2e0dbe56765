namespace LatchGateway.Codes;

/// <summary>
/// Which of <see cref="Count"/> shards a code belongs to: drawn from its digest, and written as the first symbol of
/// its id, so a sharded store finds the code from either the presented code or the id. The digest is keyed, so the
/// symbol tells nothing about the code.
/// </summary>
internal static class CodeShard
{
    /// <summary>As many shards as Crockford base32 has symbols: one symbol names a shard.</summary>
    public const int Count = 32;

    private const int IdLength = 20;

    public static int Of(CodeDigest digest)
    {
        Span<byte> bytes = stackalloc byte[CodeDigest.Size];
        digest.CopyTo(bytes);
        return bytes[0] % Count;
    }

    /// <summary>The shard an id names, or -1 when its first character is not a symbol.</summary>
    public static int Of(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        return id.Length == 0 ? -1 : CrockfordBase32.Alphabet.IndexOf(char.ToUpperInvariant(id[0]), StringComparison.Ordinal);
    }

    /// <summary>A random id (20 lower-case symbols) whose first symbol names the shard of <paramref name="digest"/>: 95 random bits.</summary>
    public static string NewId(CodeDigest digest) =>
        string.Create(IdLength, Of(digest), static (span, shard) =>
        {
            span[0] = CrockfordBase32.Alphabet[shard];
            CrockfordBase32.Fill(span[1..]);
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = char.ToLowerInvariant(span[i]);
            }
        });
}
