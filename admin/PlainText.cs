using System.Globalization;
using System.Text;

namespace LatchGateway.Admin;

/// <summary>
/// Free text an operator will read back (user names, reasons) in the audit trail, logs, the CLI and chat messages.
/// Such text must show what it holds: it may not carry characters that are invisible or that change how the rest
/// of a line is displayed.
/// </summary>
public static class PlainText
{
    /// <summary>
    /// True when <paramref name="value"/> holds a control character (Cc: NUL, BEL, CR, LF, ESC…), a format
    /// character (Cf: the bidirectional controls U+061C, U+200E, U+200F, U+202A–U+202E and U+2066–U+2069, zero-width
    /// characters, the byte order mark, tag characters…), a line or paragraph separator (Zl, Zp) or a lone surrogate.
    /// </summary>
    public static bool HasHiddenCharacters(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var text = value.AsSpan();
        while (!text.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(text, out var rune, out var consumed) != System.Buffers.OperationStatus.Done
                || IsHidden(Rune.GetUnicodeCategory(rune)))
            {
                return true;
            }

            text = text[consumed..];
        }

        return false;
    }

    private static bool IsHidden(UnicodeCategory category) => category
        is UnicodeCategory.Control
        or UnicodeCategory.Format
        or UnicodeCategory.LineSeparator
        or UnicodeCategory.ParagraphSeparator;
}
