using LatchGateway.Text;

namespace LatchGateway.Paths;

/// <summary>
/// Tells whether a request path could name a different resource to a backend than to the gateway's route matching.
/// Two passes, one span scan each, no allocation:
/// <list type="bullet">
/// <item>the <b>raw</b> path, as the client sent it, reading each <c>%XX</c> as the byte it stands for — Kestrel
/// decodes escapes and removes dot segments before routing sees the path, so only the raw text still shows a
/// <c>%2e%2e</c>, a <c>/./</c> or a <c>%2F</c>;</item>
/// <item>the <b>decoded</b> path that routing matches and YARP forwards — it shows what decoding produced: a
/// character from a multi-byte escape (<c>%C2%A0</c>), or an escape left undecoded (<c>%252F</c> becomes
/// <c>%2F</c>), which a backend would decode once more.</item>
/// </list>
/// A path is split in segments at <c>/</c>. The empty segment before a leading <c>/</c> and the empty last segment
/// after a trailing <c>/</c> (<c>/</c>, <c>/orders/</c>) are not "empty segments": they are the ordinary shape of an
/// absolute path and of a directory, and no server reads them as anything else. Only an empty segment between two
/// slashes (<c>//</c>) is.
/// <para>
/// Deliberately not refused, being read alike by every server: whitespace inside a segment (<c>my%20file</c>), a
/// segment starting with a dot (<c>.well-known</c>), non-ASCII characters, <c>%23</c> and <c>%3F</c>, a <c>%</c>
/// not followed by hex digits, and Unicode look-alikes (<c>%EF%BC%8F</c>, a fullwidth solidus) — the check works on
/// code points, not on Unicode compatibility forms. The query string is never looked at.
/// </para>
/// </summary>
internal static class AmbiguousPath
{
    private const char OrdinaryCharacter = 'a';

    public static PathRejection Classify(ReadOnlySpan<char> rawPath, ReadOnlySpan<char> decodedPath)
    {
        var reason = Scan(rawPath, raw: true);
        return reason != PathRejection.None ? reason : Scan(decodedPath, raw: false);
    }

    /// <summary>The first ambiguity in <paramref name="path"/>; <paramref name="raw"/> reads <c>%XX</c> as its byte.</summary>
    public static PathRejection Scan(ReadOnlySpan<char> path, bool raw)
    {
        var segmentLength = 0;
        var onlyDots = true;
        var last = '\0';
        for (var i = 0; i < path.Length; i++)
        {
            var c = path[i];
            if (c == '%')
            {
                if (IsUnicodeEscape(path, i + 1))
                {
                    return PathRejection.UndecodedEscape;
                }

                if (TryReadEscape(path, i + 1, out var value))
                {
                    // In the decoded path an escape is one the gateway did not decode and a backend may; in the raw
                    // path, %25 before hex digits is that escape in the making (%252F decodes to %2F).
                    if (!raw || (value == '%' && (TryReadEscape(path, i + 3, out _) || IsUnicodeEscape(path, i + 3))))
                    {
                        return PathRejection.UndecodedEscape;
                    }

                    if (value is '/' or '\\')
                    {
                        return PathRejection.EncodedSeparator;
                    }

                    i += 2;

                    // A byte of a multi-byte UTF-8 sequence is an ordinary character here (not the Latin-1 character of
                    // the same number); the decoded pass sees the character it is part of.
                    c = value < 0x80 ? (char)value : OrdinaryCharacter;
                }
            }
            else if (c == '/')
            {
                if (i > 0 && segmentLength == 0)
                {
                    return PathRejection.EmptySegment;
                }

                var end = EndOfSegment(segmentLength, onlyDots, last);
                if (end != PathRejection.None)
                {
                    return end;
                }

                segmentLength = 0;
                onlyDots = true;
                continue;
            }
            else if (c == '#' && raw)
            {
                return PathRejection.Fragment;
            }

            if (c == ';')
            {
                return PathRejection.Semicolon;
            }

            if (c == '\\')
            {
                return PathRejection.Backslash;
            }

            if (char.IsControl(c))
            {
                return PathRejection.ControlCharacter;
            }

            segmentLength++;
            onlyDots &= c == '.';
            last = c;
        }

        return EndOfSegment(segmentLength, onlyDots, last);
    }

    private static PathRejection EndOfSegment(int length, bool onlyDots, char last) =>
        length == 0 ? PathRejection.None
        : last == '.' ? (onlyDots ? PathRejection.DotSegment : PathRejection.TrailingDot)
        : char.IsWhiteSpace(last) ? PathRejection.TrailingWhitespace
        : PathRejection.None;

    /// <summary>Reads the two hex digits at <paramref name="at"/> (just after a <c>%</c>) as a byte.</summary>
    private static bool TryReadEscape(ReadOnlySpan<char> path, int at, out int value)
    {
        value = 0;
        if (at + 1 >= path.Length)
        {
            return false;
        }

        var high = HexDigit.Value(path[at]);
        var low = HexDigit.Value(path[at + 1]);
        if (high < 0 || low < 0)
        {
            return false;
        }

        value = (high << 4) | low;
        return true;
    }

    /// <summary>IIS's non-standard <c>%uXXXX</c>, starting at <paramref name="at"/> (just after a <c>%</c>).</summary>
    private static bool IsUnicodeEscape(ReadOnlySpan<char> path, int at) =>
        at + 4 < path.Length
        && (path[at] | 0x20) == 'u'
        && HexDigit.Value(path[at + 1]) >= 0 && HexDigit.Value(path[at + 2]) >= 0 && HexDigit.Value(path[at + 3]) >= 0 && HexDigit.Value(path[at + 4]) >= 0;
}
