using System.Security.Cryptography;

namespace LatchGateway.Codes;

/// <summary>
/// Crockford base32 (0-9, A-Z without I, L, O, U): generation, normalisation and display.
/// </summary>
internal static class CrockfordBase32
{
    public const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    /// <summary>Largest normalised code the gateway will consider; longer input is rejected unread.</summary>
    public const int MaxCodeLength = 64;

    private const int GroupSize = 5;

    // Maps an input character to its canonical symbol, or 0 when it is not a code character.
    private static readonly char[] Canonical = BuildCanonicalTable();

    /// <summary>Fills <paramref name="destination"/> with random symbols from a CSPRNG.</summary>
    public static void Fill(Span<char> destination) =>
        RandomNumberGenerator.GetItems(Alphabet, destination);

    /// <summary>A random string of <paramref name="length"/> symbols.</summary>
    public static string Generate(int length) =>
        string.Create(length, 0, static (span, _) => Fill(span));

    /// <summary>A random id for a record the admin API names (an access request, a notification): 20 lower-case symbols, 100 bits. A code's id is <see cref="CodeShard.NewId"/>.</summary>
    public static string NewId() => Generate(20).ToLowerInvariant();

    /// <summary>
    /// Normalises user input: case-insensitive, '-' and spaces ignored, I and L read as 1, O as 0.
    /// Returns the number of symbols written, 0 for empty input, or -1 when the input holds any other
    /// character or more than <paramref name="destination"/> can take.
    /// </summary>
    public static int Normalize(ReadOnlySpan<char> input, Span<char> destination)
    {
        var written = 0;
        foreach (var c in input)
        {
            if (c is '-' or ' ')
            {
                continue;
            }

            var symbol = c < Canonical.Length ? Canonical[c] : '\0';
            if (symbol == '\0' || written == destination.Length)
            {
                return -1;
            }

            destination[written++] = symbol;
        }

        return written;
    }

    /// <summary>Shows a normalised code in groups of five: <c>XXXXX-XXXXX</c>.</summary>
    public static string Format(ReadOnlySpan<char> code)
    {
        var dashes = (code.Length - 1) / GroupSize;
        var result = new char[code.Length + dashes];
        var at = 0;
        for (var i = 0; i < code.Length; i++)
        {
            if (i > 0 && i % GroupSize == 0)
            {
                result[at++] = '-';
            }

            result[at++] = code[i];
        }

        return new string(result);
    }

    private static char[] BuildCanonicalTable()
    {
        var table = new char[128];
        foreach (var symbol in Alphabet)
        {
            table[symbol] = symbol;
            table[char.ToLowerInvariant(symbol)] = symbol;
        }

        table['I'] = table['i'] = table['L'] = table['l'] = '1';
        table['O'] = table['o'] = '0';
        return table;
    }
}
