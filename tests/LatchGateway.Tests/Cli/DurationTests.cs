using Latchctl.Cli;
using Latchctl.Output;

namespace LatchGateway.Tests.Cli;

/// <summary>How latchctl reads durations and times (<c>--ttl 2m</c>, <c>--since 1h</c>) and shows times in tables.</summary>
public sealed class DurationTests
{
    [Theory]
    [InlineData("90s", 90)]
    [InlineData("2m", 120)]
    [InlineData("15m", 900)]
    [InlineData("1h", 3600)]
    [InlineData("1h30m", 5400)]
    [InlineData("1H30M", 5400)]
    [InlineData("1d", 86400)]
    [InlineData("1d2h3m4s", 93784)]
    [InlineData("120", 120)]
    [InlineData(" 5m ", 300)]
    [InlineData("90m", 5400)]
    public void Durations_read_whole_units_from_the_largest_down(string text, int seconds)
    {
        Assert.True(Duration.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromSeconds(seconds), duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("m")]
    [InlineData("2x")]
    [InlineData("0s")]
    [InlineData("0")]
    [InlineData("-1m")]
    [InlineData("1.5m")]
    [InlineData("1m1h")]
    [InlineData("1m1m")]
    [InlineData("1m 30s")]
    [InlineData("PT2M")]
    [InlineData("99999999999d")]
    [InlineData("2147483648s")]
    public void Anything_else_is_not_a_duration(string text) => Assert.False(Duration.TryParse(text, out _));

    [Fact]
    public void A_point_in_time_is_a_duration_back_from_now_or_an_iso_time_in_utc_by_default()
    {
        var now = new DateTimeOffset(2026, 5, 4, 9, 30, 0, TimeSpan.Zero);
        Assert.True(PointInTime.TryParse("1h", out var hourAgo));
        Assert.Equal(now.AddHours(-1), hourAgo.Resolve(now));
        Assert.True(PointInTime.TryParse("2026-05-01T00:00:00Z", out var may));
        Assert.Equal(new DateTimeOffset(2026, 5, 1, 0, 0, 0, TimeSpan.Zero), may.Resolve(now));
        Assert.True(PointInTime.TryParse("2026-05-01T02:00:00+02:00", out var withOffset));
        Assert.Equal(may.Resolve(now), withOffset.Resolve(now));
        Assert.True(PointInTime.TryParse("2026-05-01", out var day));
        Assert.Equal(may.Resolve(now), day.Resolve(now));
        Assert.False(PointInTime.TryParse("yesterday", out _));
    }

    [Theory]
    [InlineData(112, "in 1m 52s")]
    [InlineData(-180, "3m ago")]
    [InlineData(-185, "3m 5s ago")]
    [InlineData(0.4, "now")]
    [InlineData(45, "in 45s")]
    [InlineData(3600 * 2 + 300, "in 2h 5m")]
    [InlineData(-(86400 * 3 + 3600 * 4 + 7), "3d 4h ago")]
    public void Times_in_tables_are_relative_to_now(double seconds, string shown)
    {
        var now = new DateTimeOffset(2026, 5, 4, 9, 30, 0, TimeSpan.Zero);
        Assert.Equal(shown, RelativeTime.Format(now.AddSeconds(seconds), now));
    }
}
