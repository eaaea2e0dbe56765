namespace LatchGateway.Paths;

/// <summary>Why a request path was refused as ambiguous; <see cref="None"/> when it was not.</summary>
internal enum PathRejection
{
    None,

    /// <summary>A <c>;</c> (or <c>%3B</c>): servlet containers read what follows as path parameters and drop it.</summary>
    Semicolon,

    /// <summary>A <c>//</c>: nginx (<c>merge_slashes</c>) and many frameworks merge it into one <c>/</c>.</summary>
    EmptySegment,

    /// <summary>A <c>.</c> or <c>..</c> segment (or <c>%2e</c>): resolved differently, or not at all, by each server.</summary>
    DotSegment,

    /// <summary>A segment ending in <c>.</c> (<c>admin.</c>): IIS and Windows file names drop the dot.</summary>
    TrailingDot,

    /// <summary>A segment ending in whitespace (<c>admin%20</c>): trimmed by IIS, Windows and some routers.</summary>
    TrailingWhitespace,

    /// <summary>A control character (<c>%09</c>, <c>%0A</c>, <c>%7F</c>, …) anywhere: stripped by URL parsers.</summary>
    ControlCharacter,

    /// <summary>A <c>\</c>: a path separator to IIS, Windows and WHATWG URL parsers.</summary>
    Backslash,

    /// <summary>A <c>%2F</c> or <c>%5C</c>: a separator to every backend that decodes before routing.</summary>
    EncodedSeparator,

    /// <summary>
    /// A raw <c>#</c>: a request target has no fragment (RFC 9112 §3.2), and whatever parses it as a URL cuts the
    /// path there (<c>/orders/admin#/x</c> is <c>/orders/admin</c>). An encoded <c>%23</c> is an ordinary character.
    /// </summary>
    Fragment,

    /// <summary>
    /// An escape left after the gateway's own decoding (<c>%252F</c>, <c>%2561</c>, an invalid UTF-8 escape such as
    /// <c>%C0%AE</c>, IIS's <c>%u002e</c>): forwarded as an escape, so a backend that decodes it sees another path.
    /// </summary>
    UndecodedEscape,
}

internal static class PathRejectionNames
{
    private static readonly string[] Names =
    [
        "none", "semicolon", "empty_segment", "dot_segment", "trailing_dot", "trailing_whitespace",
        "control_character", "backslash", "encoded_separator", "fragment", "undecoded_escape",
    ];

    /// <summary>The reason as it appears in the <c>reason</c> label of <c>latch_paths_rejected_total</c> and in logs.</summary>
    public static string ToName(this PathRejection reason) => Names[(int)reason];
}
