using System.Globalization;
using System.Text;

namespace Latchctl.Api;

/// <summary>A relative path with its query, leaving out the parameters that have no value.</summary>
internal static class QueryString
{
    public static string Path(string path, params (string Name, string? Value)[] parameters)
    {
        var builder = new StringBuilder(path);
        var separator = '?';
        foreach (var (name, value) in parameters)
        {
            if (value is null)
            {
                continue;
            }

            builder.Append(separator).Append(name).Append('=').Append(Uri.EscapeDataString(value));
            separator = '&';
        }

        return builder.ToString();
    }

    /// <summary>One path segment, escaped (ids come from the user).</summary>
    public static string Segment(string value) => Uri.EscapeDataString(value);

    /// <summary>An ISO 8601 UTC time, as the API reads <c>since</c> and <c>until</c>.</summary>
    public static string? Time(DateTimeOffset? time) =>
        time?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    public static string? Number(int? value) => value?.ToString(CultureInfo.InvariantCulture);

    public static string? Flag(bool value) => value ? "true" : null;
}
