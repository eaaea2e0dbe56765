using LatchGateway.Codes;

namespace LatchGateway.Tests.Codes;

public sealed class CrockfordBase32Tests
{
    [Theory]
    [InlineData(1)]
    [InlineData(8)]
    [InlineData(10)]
    [InlineData(32)]
    public void Generate_gives_the_requested_length_from_the_alphabet(int length)
    {
        var code = CrockfordBase32.Generate(length);

        Assert.Equal(length, code.Length);
        Assert.All(code, c => Assert.Contains(c, CrockfordBase32.Alphabet));
    }

    [Fact]
    public void Alphabet_is_the_32_Crockford_symbols_without_I_L_O_U()
    {
        Assert.Equal(32, CrockfordBase32.Alphabet.Distinct().Count());
        Assert.DoesNotContain('I', CrockfordBase32.Alphabet);
        Assert.DoesNotContain('L', CrockfordBase32.Alphabet);
        Assert.DoesNotContain('O', CrockfordBase32.Alphabet);
        Assert.DoesNotContain('U', CrockfordBase32.Alphabet);
    }

    [Fact]
    public void Generate_is_random()
    {
        var codes = Enumerable.Range(0, 2000).Select(_ => CrockfordBase32.Generate(10)).ToList();

        Assert.Equal(codes.Count, codes.Distinct(StringComparer.Ordinal).Count());

        // 20,000 symbols: every one of the 32 symbols shows up (a missing one would be a 1-in-10^270 event).
        var symbols = codes.SelectMany(c => c).ToHashSet();
        Assert.Equal(CrockfordBase32.Alphabet.Length, symbols.Count);
    }

    [Theory]
    [InlineData("ABCDE12345", "ABCDE12345")]
    [InlineData("abcde12345", "ABCDE12345")]
    [InlineData("aBcDe-12345", "ABCDE12345")]
    [InlineData("ab cd-e1 2-3 45", "ABCDE12345")]
    [InlineData("--ABCDE--12345--", "ABCDE12345")]
    [InlineData("IiLl", "1111")]
    [InlineData("Oo", "00")]
    [InlineData("0123456789abcdefghjkmnpqrstvwxyz", CrockfordBase32.Alphabet)]
    public void Normalize_reads_codes_the_Crockford_way(string input, string expected)
    {
        Span<char> buffer = stackalloc char[CrockfordBase32.MaxCodeLength];

        var length = CrockfordBase32.Normalize(input, buffer);

        Assert.Equal(expected, buffer[..length].ToString());
    }

    [Theory]
    [InlineData("ABCDU")]
    [InlineData("abcdu")]
    [InlineData("ABCD!")]
    [InlineData("ABCDé")]
    [InlineData("ＡＢＣＤＥ")] // full-width letters
    [InlineData("ABC１２")] // full-width digits
    [InlineData("ABCDE_12345")]
    [InlineData("ABCDE\t12345")]
    [InlineData("ABCDE\u00A012345")] // no-break space is not a space
    [InlineData("ABCDE\u2010" + "12345")] // Unicode hyphen is not '-'
    [InlineData("ABC\0DE")]
    public void Normalize_rejects_any_other_character(string input)
    {
        Span<char> buffer = stackalloc char[CrockfordBase32.MaxCodeLength];

        Assert.Equal(-1, CrockfordBase32.Normalize(input, buffer));
    }

    [Fact]
    public void Normalize_rejects_input_longer_than_the_destination()
    {
        Span<char> buffer = stackalloc char[CrockfordBase32.MaxCodeLength];
        var tooLong = new string('A', CrockfordBase32.MaxCodeLength + 1);
        var exactlyFull = new string('A', CrockfordBase32.MaxCodeLength);

        Assert.Equal(-1, CrockfordBase32.Normalize(tooLong, buffer));
        Assert.Equal(CrockfordBase32.MaxCodeLength, CrockfordBase32.Normalize(exactlyFull, buffer));
        Assert.Equal(-1, CrockfordBase32.Normalize("ABCDEF", buffer[..5]));
    }

    [Fact]
    public void Normalize_does_not_count_separators_against_the_length()
    {
        Span<char> buffer = stackalloc char[10];

        Assert.Equal(10, CrockfordBase32.Normalize("-- ABCDE - 12345 --", buffer));
    }

    [Theory]
    [InlineData("")]
    [InlineData("-")]
    [InlineData("---")]
    [InlineData("   ")]
    [InlineData(" - - ")]
    public void Normalize_returns_zero_for_input_without_symbols(string input)
    {
        Span<char> buffer = stackalloc char[CrockfordBase32.MaxCodeLength];

        Assert.Equal(0, CrockfordBase32.Normalize(input, buffer));
    }

    [Theory]
    [InlineData("ABCDE12345", "ABCDE-12345")]
    [InlineData("", "")]
    [InlineData("A", "A")]
    [InlineData("ABCDE", "ABCDE")]
    [InlineData("ABCDEF", "ABCDE-F")]
    [InlineData("ABCDE1234", "ABCDE-1234")]
    [InlineData("ABCDE123456789", "ABCDE-12345-6789")]
    [InlineData("ABCDE12345VWXYZ", "ABCDE-12345-VWXYZ")]
    public void Format_groups_symbols_by_five(string code, string expected)
    {
        Assert.Equal(expected, CrockfordBase32.Format(code));
    }

    [Fact]
    public void Format_then_Normalize_round_trips()
    {
        var code = CrockfordBase32.Generate(10);
        Span<char> buffer = stackalloc char[CrockfordBase32.MaxCodeLength];

        var length = CrockfordBase32.Normalize(CrockfordBase32.Format(code).ToLowerInvariant(), buffer);

        Assert.Equal(code, buffer[..length].ToString());
    }
}
