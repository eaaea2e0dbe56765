using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Latchctl.Cli;

/// <summary>
/// A time given as an ISO 8601 timestamp (<c>2026-05-01T00:00:00Z</c>; without an offset, UTC) or as a duration
/// before now (<c>1h</c>: an hour ago), resolved when the command runs.
/// </summary>
internal readonly record struct PointInTime(DateTimeOffset? At, TimeSpan Ago)
{
    public DateTimeOffset Resolve(DateTimeOffset now) => At ?? now - Ago;

    public static bool TryParse(string? text, out PointInTime time)
    {
        if (Duration.TryParse(text, out var ago))
        {
            time = new PointInTime(null, ago);
            return true;
        }

        if (!string.IsNullOrWhiteSpace(text)
            && DateTimeOffset.TryParse(text.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at))
        {
            time = new PointInTime(at, TimeSpan.Zero);
            return true;
        }

        time = default;
        return false;
    }

    /// <summary>An option such as <c>--since</c> or <c>--until</c>.</summary>
    public static Option<PointInTime?> Option(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "time",
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : null;
            if (TryParse(text, out var time))
            {
                return time;
            }

            result.AddError($"'{text}' is neither a duration ({Duration.Examples}) nor an ISO 8601 time (e.g. 2026-05-01T00:00:00Z) for {Duration.OptionName(result)}.");
            return null;
        },
    };
}
