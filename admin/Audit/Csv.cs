namespace LatchGateway.Admin.Audit;

/// <summary>RFC 4180 fields, safe to open in a spreadsheet.</summary>
internal static class Csv
{
    private static readonly char[] NeedsQuotes = [',', '"', '\r', '\n'];

    /// <summary>
    /// A field: quoted when it holds a separator, a quote or a line break; a leading <c>= + - @</c> or tab is
    /// preceded by <c>'</c> so a spreadsheet shows the text instead of evaluating it as a formula.
    /// </summary>
    public static string Field(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        return value.IndexOfAny(NeedsQuotes) < 0 ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }
}
