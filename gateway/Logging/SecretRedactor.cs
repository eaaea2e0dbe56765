using System.Text.RegularExpressions;

namespace LatchGateway.Logging;

/// <summary>
/// Finds and masks latch codes carried in URLs. A query parameter is the code when its name, decoded the way
/// ASP.NET Core decodes it (<c>latch_code</c>, <c>LATCH_CODE</c>, <c>%6Catch%5Fcode</c>, …), is
/// <c>latch_code</c>; its whole value is masked, quotes and all.
/// </summary>
internal static partial class SecretRedactor
{
    public const string Mask = "[redacted]";

    private const string Name = "latch_code";

    /// <summary>Cheap test: can this text hold a <c>latch_code</c> parameter at all?</summary>
    public static bool MayContainSecret(string? value) =>
        value is not null
        && value.Contains('=', StringComparison.Ordinal)
        && (value.Contains('%', StringComparison.Ordinal) || value.Contains(Name, StringComparison.OrdinalIgnoreCase))
        && Parameter().Matches(value).Any(static m => IsCodeName(m.Groups["name"].ValueSpan));

    public static string Redact(string value) =>
        Parameter().Replace(value, static m => IsCodeName(m.Groups["name"].ValueSpan) ? $"{m.Groups["name"].Value}={Mask}" : m.Value);

    private static bool IsCodeName(ReadOnlySpan<char> name)
    {
        if (name.Equals(Name, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return name.Contains('%') && Uri.UnescapeDataString(name.ToString().Replace('+', ' ')).Equals(Name, StringComparison.OrdinalIgnoreCase);
    }

    // A name=value pair that starts a query string or follows a separator; the value runs to the next separator.
    [GeneratedRegex(@"(?<=^|[?&;\s])(?<name>[^?&;=\s#]+)=(?<value>[^&;\s#]*)", RegexOptions.CultureInvariant)]
    private static partial Regex Parameter();
}
