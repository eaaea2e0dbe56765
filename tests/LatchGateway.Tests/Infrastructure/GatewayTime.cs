using System.Net;
using Microsoft.Extensions.Time.Testing;

namespace LatchGateway.Tests.Infrastructure;

/// <summary>
/// Letting time pass on a gateway. A gateway on the memory store can run on a <see cref="FakeTimeProvider"/> (see
/// <see cref="GatewayInstance.Clock"/>) that a test advances, so a lockout or a code's lifetime passes at once; on
/// Redis, lifetimes are TTLs that run out on Redis's own clock, so a test waits for them in real time.
/// </summary>
public static class GatewayTime
{
    /// <summary>How long a real-time wait for an expiry may last past the expiry itself.</summary>
    public static readonly TimeSpan ExpiryGrace = TimeSpan.FromSeconds(5);

    /// <summary>A fake clock that starts at the real time, so timestamps and tokens the tests make on real time still fit.</summary>
    public static FakeTimeProvider NewClock() => new(DateTimeOffset.UtcNow);

    /// <summary>Moves the gateway's fake clock forward by <paramref name="by"/>; fails the test if the gateway runs on real time.</summary>
    public static void Advance(this GatewayInstance gateway, TimeSpan by)
    {
        ArgumentNullException.ThrowIfNull(gateway);
        Assert.True(gateway.Clock is not null, "the gateway runs on real time: start it with a clock to advance it");
        gateway.Clock.Advance(by);
    }

    /// <summary>
    /// Lets <paramref name="code"/>'s lifetime pass: on a fake clock by moving it to the instant the code expires, on
    /// real time by waiting. Returns once the admin API no longer shows the code, which it stops doing the moment the
    /// code expires; fails the test if that takes more than <see cref="ExpiryGrace"/> past the expiry.
    /// </summary>
    public static async Task ExpireAsync(this GatewayInstance gateway, IssuedCode code)
    {
        ArgumentNullException.ThrowIfNull(gateway);
        ArgumentNullException.ThrowIfNull(code);
        var clock = gateway.Clock;
        var timeLeft = code.ExpiresAt - (clock ?? TimeProvider.System).GetUtcNow();
        if (timeLeft < TimeSpan.Zero)
        {
            timeLeft = TimeSpan.Zero;
        }

        if (clock is not null)
        {
            clock.Advance(timeLeft);
            timeLeft = TimeSpan.Zero;
        }

        using var admin = gateway.CreateAdminClient();
        var expired = await LatchHttp.EventuallyAsync(
            async () =>
            {
                using var response = await admin.GetAsync($"admin/codes/{code.Id}");
                return response.StatusCode == HttpStatusCode.NotFound;
            },
            timeLeft + ExpiryGrace);
        Assert.True(expired, $"code {code.Id} was still shown {ExpiryGrace.TotalSeconds} s after it expired at {code.ExpiresAt:O}");
    }
}
