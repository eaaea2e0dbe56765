using Latchctl.Cli;

namespace Latchctl.Output;

/// <summary>Times in tables, relative to now: <c>in 1m 52s</c>, <c>3m ago</c>, <c>now</c>.</summary>
internal static class RelativeTime
{
    public static string Format(DateTimeOffset at, DateTimeOffset now)
    {
        var delta = at - now;
        if (delta.Duration() < TimeSpan.FromSeconds(1))
        {
            return "now";
        }

        var span = Duration.Format(delta);
        return delta > TimeSpan.Zero ? $"in {span}" : $"{span} ago";
    }
}
