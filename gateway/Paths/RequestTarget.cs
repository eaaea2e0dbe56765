namespace LatchGateway.Paths;

/// <summary>The path part of a raw HTTP request target (RFC 9112 §3.2), as the client sent it.</summary>
internal static class RequestTarget
{
    /// <summary>
    /// The path of <paramref name="target"/>: up to the <c>?</c> in origin-form (<c>/a/b?q</c>), after the authority
    /// in absolute-form (<c>http://host/a/b?q</c>), empty in asterisk-form (<c>*</c>) and authority-form
    /// (<c>host:443</c>), which have none.
    /// </summary>
    public static ReadOnlySpan<char> PathOf(ReadOnlySpan<char> target)
    {
        if (target.IsEmpty)
        {
            return [];
        }

        if (target[0] != '/')
        {
            var scheme = target.IndexOf("://", StringComparison.Ordinal);
            if (scheme < 0)
            {
                return [];
            }

            target = target[(scheme + 3)..];
            var authorityEnd = target.IndexOfAny('/', '?', '#');
            if (authorityEnd < 0 || target[authorityEnd] != '/')
            {
                return [];
            }

            target = target[authorityEnd..];
            var fragment = target.IndexOf('#');
            if (fragment >= 0)
            {
                target = target[..fragment];
            }
        }

        var query = target.IndexOf('?');
        return query < 0 ? target : target[..query];
    }
}
