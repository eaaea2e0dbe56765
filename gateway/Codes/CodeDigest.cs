using System.Buffers.Binary;

namespace LatchGateway.Codes;

/// <summary>The keyed HMAC-SHA256 of a normalised code: how a code is known at rest.</summary>
internal readonly struct CodeDigest : IEquatable<CodeDigest>
{
    public const int Size = 32;

    private readonly ulong _a;
    private readonly ulong _b;
    private readonly ulong _c;
    private readonly ulong _d;

    public CodeDigest(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Size)
        {
            throw new ArgumentException($"A code digest is {Size} bytes.", nameof(bytes));
        }

        _a = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        _b = BinaryPrimitives.ReadUInt64LittleEndian(bytes[8..]);
        _c = BinaryPrimitives.ReadUInt64LittleEndian(bytes[16..]);
        _d = BinaryPrimitives.ReadUInt64LittleEndian(bytes[24..]);
    }

    public void CopyTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(destination, _a);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[8..], _b);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[16..], _c);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[24..], _d);
    }

    /// <summary>Lower-case hex, for stores that key by string.</summary>
    public string ToHex()
    {
        Span<byte> bytes = stackalloc byte[Size];
        CopyTo(bytes);
        return Convert.ToHexStringLower(bytes);
    }

    /// <summary>Reads back a digest written by <see cref="ToHex"/>; false for anything else.</summary>
    public static bool TryParseHex(string hex, out CodeDigest digest)
    {
        ArgumentNullException.ThrowIfNull(hex);
        digest = default;
        if (hex.Length != Size * 2)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[Size];
        if (Convert.FromHexString(hex, bytes, out _, out var written) != System.Buffers.OperationStatus.Done || written != Size)
        {
            return false;
        }

        digest = new CodeDigest(bytes);
        return true;
    }

    public bool Equals(CodeDigest other) =>
        _a == other._a && _b == other._b && _c == other._c && _d == other._d;

    public override bool Equals(object? obj) => obj is CodeDigest other && Equals(other);

    // The digest is already uniformly distributed: any 32 bits of it make a good hash.
    public override int GetHashCode() => (int)_a;

    public static bool operator ==(CodeDigest left, CodeDigest right) => left.Equals(right);

    public static bool operator !=(CodeDigest left, CodeDigest right) => !left.Equals(right);
}
