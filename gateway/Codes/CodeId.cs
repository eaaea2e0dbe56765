namespace LatchGateway.Codes;

/// <summary>
/// A code's id as the gateway makes them (<see cref="CodeShard.NewId"/>: 20 lower-case Crockford symbols, 100 bits)
/// held in two numbers rather than a string: 16 bytes in place of a 64-byte string. Ids of any other form (an
/// older store's, a test's) have no packed form: <see cref="TryPack"/> says so and the caller keeps the text.
/// Packed ids sort as their text does (ordinal), since the symbols' characters are in the alphabet's order.
/// </summary>
internal readonly struct CodeId : IEquatable<CodeId>, IComparable<CodeId>
{
    public const int Length = 20;

    private const string Symbols = "0123456789abcdefghjkmnpqrstvwxyz";
    private const int HighSymbols = 12;
    private const int Bits = 5;

    // Maps a character below 128 to its symbol's value plus one; 0 for any other character.
    private static readonly byte[] Values = BuildValues();

    private readonly ulong _high; // symbols 0–11, the first in the highest bits
    private readonly ulong _low; // symbols 12–19

    private CodeId(ulong high, ulong low)
    {
        _high = high;
        _low = low;
    }

    /// <summary>Packs an id of the gateway's form; false for any other text.</summary>
    public static bool TryPack(ReadOnlySpan<char> text, out CodeId id)
    {
        id = default;
        if (text.Length != Length)
        {
            return false;
        }

        ulong high = 0, low = 0;
        for (var i = 0; i < Length; i++)
        {
            var c = text[i];
            if (c >= Values.Length || Values[c] == 0)
            {
                return false;
            }

            if (i < HighSymbols)
            {
                high = (high << Bits) | (uint)(Values[c] - 1);
            }
            else
            {
                low = (low << Bits) | (uint)(Values[c] - 1);
            }
        }

        id = new CodeId(high, low);
        return true;
    }

    /// <summary>The id's text (a new string each time).</summary>
    public override string ToString() =>
        string.Create(Length, this, static (span, id) =>
        {
            var high = id._high;
            for (var i = HighSymbols - 1; i >= 0; i--, high >>= Bits)
            {
                span[i] = Symbols[(int)(high & 31)];
            }

            var low = id._low;
            for (var i = Length - 1; i >= HighSymbols; i--, low >>= Bits)
            {
                span[i] = Symbols[(int)(low & 31)];
            }
        });

    public bool Equals(CodeId other) => _high == other._high && _low == other._low;

    public override bool Equals(object? obj) => obj is CodeId other && Equals(other);

    // All but the first symbol are random: the low bits of either half make a good hash.
    public override int GetHashCode() => (int)(_low ^ (_high << 7));

    public int CompareTo(CodeId other) =>
        _high != other._high ? _high.CompareTo(other._high) : _low.CompareTo(other._low);

    public static bool operator ==(CodeId left, CodeId right) => left.Equals(right);

    public static bool operator !=(CodeId left, CodeId right) => !left.Equals(right);

    public static bool operator <(CodeId left, CodeId right) => left.CompareTo(right) < 0;

    public static bool operator >(CodeId left, CodeId right) => left.CompareTo(right) > 0;

    public static bool operator <=(CodeId left, CodeId right) => left.CompareTo(right) <= 0;

    public static bool operator >=(CodeId left, CodeId right) => left.CompareTo(right) >= 0;

    private static byte[] BuildValues()
    {
        var values = new byte[128];
        for (var i = 0; i < Symbols.Length; i++)
        {
            values[Symbols[i]] = (byte)(i + 1);
        }

        return values;
    }
}
