using System.Text;

namespace LatchGateway.Transforms;

/// <summary>Removes a parameter from a raw query string, leaving every other byte as the client sent it.</summary>
internal static class QueryStringFilter
{
    public static QueryString Remove(QueryString queryString, string name)
    {
        if (queryString.Value is not { Length: > 1 } raw)
        {
            return queryString;
        }

        var kept = new StringBuilder(raw.Length);
        foreach (var range in raw.AsSpan(1).Split('&'))
        {
            var segment = raw.AsSpan(1)[range];
            if (segment.IsEmpty || NameOf(segment).Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            kept.Append(kept.Length == 0 ? '?' : '&').Append(segment);
        }

        return kept.Length == 0 ? QueryString.Empty : QueryString.FromUriComponent(kept.ToString());
    }

    private static string NameOf(ReadOnlySpan<char> segment)
    {
        var equals = segment.IndexOf('=');
        var name = equals < 0 ? segment : segment[..equals];
        return Uri.UnescapeDataString(name.ToString().Replace('+', ' '));
    }
}
