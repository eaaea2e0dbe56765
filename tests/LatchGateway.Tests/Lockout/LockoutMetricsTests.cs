using System.Net;
using LatchGateway.Tests.EndToEnd;
using LatchGateway.Tests.Infrastructure;

namespace LatchGateway.Tests.Lockout;

/// <summary>
/// <c>latch_lockouts_total</c> and <c>latch_validations_total{outcome="locked_out"}</c>. Counting classes run alone
/// (<see cref="SerialMetricsGroup"/>): the meters of gateways in one process mix.
/// </summary>
[Collection(nameof(SerialMetricsGroup))]
public sealed class LockoutMetricsTests : IAsyncLifetime
{
    private TestBackend _backend = null!;

    public async Task InitializeAsync() => _backend = await TestBackend.StartAsync();

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    [Fact]
    public async Task Each_lockout_counts_once_and_each_429_counts_as_locked_out()
    {
        await using var gateway = await GatewayInstance.StartAsync(_backend, AbuseHttp.Lockout(maxFailures: 3));
        using var first = LatchHttp.CreateClientFrom(gateway.ProxyAddress, IPAddress.Parse("127.0.0.2"));
        using var second = LatchHttp.CreateClientFrom(gateway.ProxyAddress, IPAddress.Parse("127.0.0.3"));

        await first.RefuseAsync(3);
        for (var i = 0; i < 3; i++)
        {
            using var locked = await first.PresentAsync(LatchHttp.UniquePath(), LatchHttp.RandomCode());
            await AbuseHttp.AssertLockedOutAsync(locked);
        }

        using (var lockedElsewhere = await first.PresentAsync(LatchHttp.UniquePath("/exports/"), LatchHttp.RandomCode()))
        {
            await AbuseHttp.AssertLockedOutAsync(lockedElsewhere);
        }

        var afterFirst = await ScrapeUntilAsync(gateway, s => Lockouts(s) >= 1 && LockedOut(s, "orders-admin") >= 3);
        Assert.Equal(1, Lockouts(afterFirst));
        Assert.Equal(3, LockedOut(afterFirst, "orders-admin"));
        Assert.Equal(1, LockedOut(afterFirst, "exports"));
        Assert.Equal(3, AbuseHttp.Total(afterFirst, "latch_validations_total", s => s["route"] == "orders-admin" && s["outcome"] == "invalid"));

        await second.RefuseAsync(3);
        using (var locked = await second.PresentAsync(LatchHttp.UniquePath(), LatchHttp.RandomCode()))
        {
            await AbuseHttp.AssertLockedOutAsync(locked);
        }

        var afterSecond = await ScrapeUntilAsync(gateway, s => Lockouts(s) >= 2 && LockedOut(s, "orders-admin") >= 4);
        Assert.Equal(2, Lockouts(afterSecond));
        Assert.Equal(4, LockedOut(afterSecond, "orders-admin"));
        Assert.DoesNotContain(afterSecond, s => s.Name == "latch_lockouts_total" && s.Labels.Values.Any(v => v.StartsWith("127.", StringComparison.Ordinal)));
    }

    private static double Lockouts(IReadOnlyList<PrometheusSample> samples) => AbuseHttp.Total(samples, "latch_lockouts_total");

    private static double LockedOut(IReadOnlyList<PrometheusSample> samples, string route) =>
        AbuseHttp.Total(samples, "latch_validations_total", s => s["route"] == route && s["outcome"] == "locked_out");

    private static async Task<IReadOnlyList<PrometheusSample>> ScrapeUntilAsync(GatewayInstance gateway, Func<IReadOnlyList<PrometheusSample>, bool> done)
    {
        IReadOnlyList<PrometheusSample> samples = [];
        var reached = await LatchHttp.EventuallyAsync(
            async () =>
            {
                samples = await AbuseHttp.ScrapeAsync(gateway);
                return done(samples);
            },
            TimeSpan.FromSeconds(5));
        Assert.True(reached, string.Join("\n", samples.Where(s => s.Name.StartsWith("latch_", StringComparison.Ordinal))));
        return samples;
    }
}
