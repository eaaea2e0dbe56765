namespace Latchctl.Api;

/// <summary>Reads a <c>Link</c> header (RFC 8288) for the target of one relation, e.g. <c>rel="next"</c>.</summary>
internal static class LinkHeader
{
    /// <summary>The first link of relation <paramref name="relation"/> among the values, as written (a URI reference); null when none.</summary>
    public static string? Find(IEnumerable<string> values, string relation)
    {
        ArgumentNullException.ThrowIfNull(values);
        foreach (var value in values)
        {
            var at = 0;
            while (Next(value, ref at) is var (target, parameters))
            {
                if (HasRelation(parameters, relation))
                {
                    return target;
                }
            }
        }

        return null;
    }

    /// <summary>The next <c>&lt;target&gt;; params</c> of a header value from <paramref name="at"/>, stopping after its comma.</summary>
    private static (string Target, string Parameters)? Next(string value, ref int at)
    {
        var open = value.IndexOf('<', at);
        if (open < 0)
        {
            return null;
        }

        var close = value.IndexOf('>', open + 1);
        if (close < 0)
        {
            return null;
        }

        // The parameters run to the next comma outside a quoted string.
        var end = close + 1;
        var quoted = false;
        for (; end < value.Length && (quoted || value[end] != ','); end++)
        {
            if (value[end] == '"')
            {
                quoted = !quoted;
            }
        }

        var link = (value[(open + 1)..close], value[(close + 1)..end]);
        at = end;
        return link;
    }

    /// <summary>Whether <c>rel</c> (a space-separated list, quoted or not) names the relation, case-insensitively.</summary>
    private static bool HasRelation(string parameters, string relation)
    {
        foreach (var parameter in parameters.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = parameter.IndexOf('=', StringComparison.Ordinal);
            if (equals < 0 || !parameter[..equals].Trim().Equals("rel", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var relations = parameter[(equals + 1)..].Trim().Trim('"');
            return relations.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains(relation, StringComparer.OrdinalIgnoreCase);
        }

        return false;
    }
}
