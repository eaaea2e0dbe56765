using System.Buffers;
using System.Text;
using LatchGateway.Text;

namespace LatchGateway.Logging;

/// <summary>
/// Finds and masks latch codes carried in URLs. A query parameter is the code when its name, decoded the way
/// ASP.NET Core decodes it (<c>latch_code</c>, <c>LATCH_CODE</c>, <c>%6Catch%5Fcode</c>, …), is
/// <c>latch_code</c>. A name starts a text, or follows <c>?</c>, <c>&amp;</c>, <c>;</c> (a separator to some
/// backends and frameworks: <c>?a=1;latch_code=…</c>) or whitespace. Its whole value is masked, up to the next
/// <c>&amp;</c> or whitespace (which no raw query holds, and which ends a URL in a log line), whatever it holds:
/// <c>;</c>, <c>=</c>, <c>#</c>, quotes, percent-encoded bytes.
/// </summary>
internal static class SecretRedactor
{
    public const string Mask = "[redacted]";

    private const string Name = "latch_code";

    private static readonly SearchValues<char> NameStops = SearchValues.Create("?&;= \t\r\n\v\f");

    private static readonly SearchValues<char> ValueStops = SearchValues.Create("& \t\r\n\v\f");

    /// <summary>Cheap test, without allocating: can this text hold a <c>latch_code</c> parameter at all?</summary>
    public static bool MayContainSecret(string? value) =>
        value is not null
        && value.Contains('=', StringComparison.Ordinal)
        && (value.Contains('%', StringComparison.Ordinal) || value.Contains(Name, StringComparison.OrdinalIgnoreCase))
        && FindValue(value, 0, out _) >= 0;

    public static string Redact(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var start = FindValue(value, 0, out var end);
        if (start < 0)
        {
            return value;
        }

        var masked = new StringBuilder(value.Length);
        var copied = 0;
        while (start >= 0)
        {
            masked.Append(value, copied, start - copied).Append(Mask);
            copied = end;
            start = FindValue(value, end, out end);
        }

        return masked.Append(value, copied, value.Length - copied).ToString();
    }

    /// <summary>
    /// Where the value of the first <c>latch_code</c> parameter at or after <paramref name="from"/> starts (-1 if
    /// there is none), and where it ends.
    /// </summary>
    private static int FindValue(string text, int from, out int end)
    {
        var start = from;
        while (start < text.Length)
        {
            var length = text.AsSpan(start).IndexOfAny(NameStops);
            if (length < 0)
            {
                break;
            }

            var stop = start + length;
            if (text[stop] == '=' && (start == 0 || IsSeparator(text[start - 1])) && IsCodeName(text.AsSpan(start, length)))
            {
                var valueStart = stop + 1;
                var valueLength = text.AsSpan(valueStart).IndexOfAny(ValueStops);
                end = valueLength < 0 ? text.Length : valueStart + valueLength;
                return valueStart;
            }

            start = stop + 1;
        }

        end = -1;
        return -1;
    }

    private static bool IsSeparator(char c) => c is '?' or '&' or ';' || char.IsWhiteSpace(c);

    /// <summary>
    /// Whether <paramref name="name"/>, percent-decoded, is <c>latch_code</c> in any case. A decoded byte outside
    /// ASCII, a '+' (a space once decoded) or a '%' left undecoded can be no letter of it.
    /// </summary>
    private static bool IsCodeName(ReadOnlySpan<char> name)
    {
        var matched = 0;
        for (var i = 0; i < name.Length; i++, matched++)
        {
            var c = name[i];
            if (c == '%' && i + 2 < name.Length && char.IsAsciiHexDigit(name[i + 1]) && char.IsAsciiHexDigit(name[i + 2]))
            {
                c = (char)((HexDigit.Value(name[i + 1]) << 4) | HexDigit.Value(name[i + 2]));
                i += 2;
            }

            if (matched == Name.Length || !char.IsAscii(c) || char.ToLowerInvariant(c) != Name[matched])
            {
                return false;
            }
        }

        return matched == Name.Length;
    }

}
