using System.Buffers.Text;
using System.Globalization;
using System.Text;
using LatchGateway.Codes;

namespace LatchGateway.Store;

/// <summary>
/// Where a page of the code listing ends: the issue time and id of its last code. The next page holds the codes
/// after it in the listing's order (newest first, then by id), so a code is never shown twice nor skipped, whatever
/// is issued, consumed or expires between two pages, and whichever replica serves the next one. Shown to clients
/// as an opaque base64url token.
/// </summary>
internal readonly record struct CodeCursor(DateTimeOffset IssuedAt, string Id)
{
    private const int MaxIdLength = 64;
    private const int MaxTokenLength = 128;

    public static CodeCursor After(LatchCodeRecord record) => new(record.IssuedAt, record.Id);

    /// <summary>Whether <paramref name="record"/> comes after this position in the listing's order.</summary>
    public bool Precedes(LatchCodeRecord record)
    {
        var byTime = record.IssuedAt.CompareTo(IssuedAt);
        return byTime < 0 || (byTime == 0 && record.CompareIdTo(Id, CodeId.TryPack(Id, out var packed) ? packed : null) < 0);
    }

    public string Format() =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(
            string.Create(CultureInfo.InvariantCulture, $"{IssuedAt.ToUnixTimeMilliseconds()}:{Id}")));

    /// <summary>Reads a token <see cref="Format"/> wrote; false for anything else.</summary>
    public static bool TryParse(string token, out CodeCursor cursor)
    {
        cursor = default;
        if (token.Length is 0 or > MaxTokenLength || !Base64Url.IsValid(token))
        {
            return false;
        }

        string text;
        try
        {
            text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token));
        }
        catch (FormatException)
        {
            return false;
        }

        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0
            || !long.TryParse(text.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds)
            || milliseconds > DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
        {
            return false;
        }

        var id = text[(colon + 1)..];
        if (id.Length is 0 or > MaxIdLength || !id.All(char.IsAsciiLetterOrDigit))
        {
            return false;
        }

        cursor = new CodeCursor(DateTimeOffset.FromUnixTimeMilliseconds(milliseconds), id);
        return true;
    }
}
