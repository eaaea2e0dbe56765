using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Latchctl.Cli;

/// <summary>
/// Durations as people type them: a whole number followed by <c>d</c>, <c>h</c>, <c>m</c> or <c>s</c>, and
/// combinations from the largest unit down (<c>90s</c>, <c>2m</c>, <c>1h30m</c>, <c>1d12h</c>); a bare number is seconds.
/// </summary>
internal static class Duration
{
    public const string Examples = "e.g. 90s, 2m, 15m, 1h30m or 1d";

    private static readonly (char Unit, long Seconds)[] Units = [('d', 86_400), ('h', 3_600), ('m', 60), ('s', 1)];

    /// <summary>Longest duration accepted: the API's seconds are 32-bit.</summary>
    private static readonly TimeSpan Longest = TimeSpan.FromSeconds(int.MaxValue);

    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        text = text.Trim();
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var bare))
        {
            return Within(bare, out duration);
        }

        long total = 0;
        var nextUnit = 0;
        var position = 0;
        while (position < text.Length)
        {
            var start = position;
            while (position < text.Length && char.IsAsciiDigit(text[position]))
            {
                position++;
            }

            if (position == start || position == text.Length
                || !long.TryParse(text.AsSpan(start, position - start), NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
            {
                return false;
            }

            var unit = char.ToLowerInvariant(text[position++]);
            var index = Array.FindIndex(Units, nextUnit, u => u.Unit == unit);
            if (index < 0 || amount > int.MaxValue)
            {
                return false;
            }

            total += amount * Units[index].Seconds;
            if (total > int.MaxValue)
            {
                return false;
            }

            nextUnit = index + 1;
        }

        return Within(total, out duration);
    }

    /// <summary>A positive duration option (<c>--ttl</c>, <c>--session</c>, <c>--timeout</c>): anything else is a usage error.</summary>
    public static Option<TimeSpan?> Option(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "duration",
        CustomParser = Parse,
    };

    /// <summary>Whole seconds, as the API takes <c>ttlSeconds</c> and <c>sessionSeconds</c>.</summary>
    public static int? Seconds(TimeSpan? duration) => duration is { } value ? (int)value.TotalSeconds : null;

    /// <summary>A duration for people: <c>2m</c>, <c>1h 30m</c>, <c>45s</c>; the two largest units that are not zero.</summary>
    public static string Format(TimeSpan duration)
    {
        var seconds = (long)Math.Floor(duration.Duration().TotalSeconds);
        for (var i = 0; i < Units.Length; i++)
        {
            var (unit, size) = Units[i];
            if (seconds < size && i < Units.Length - 1)
            {
                continue;
            }

            var major = seconds / size;
            if (i == Units.Length - 1)
            {
                return $"{major}{unit}";
            }

            var (minorUnit, minorSize) = Units[i + 1];
            var minor = seconds % size / minorSize;
            return minor == 0 ? $"{major}{unit}" : $"{major}{unit} {minor}{minorUnit}";
        }

        return "0s";
    }

    private static TimeSpan? Parse(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : null;
        if (TryParse(text, out var duration))
        {
            return duration;
        }

        result.AddError($"'{text}' is not a duration for {OptionName(result)}: {Examples}.");
        return null;
    }

    internal static string OptionName(ArgumentResult result) =>
        result.Parent is OptionResult { Option: { } option } ? option.Name : "the argument";

    private static bool Within(long seconds, out TimeSpan duration)
    {
        duration = TimeSpan.FromSeconds(seconds);
        return seconds > 0 && duration <= Longest;
    }
}
