using System.Net;
using LatchGateway.Tests.EndToEnd;
using LatchGateway.Tests.Infrastructure;
using static LatchGateway.Tests.Access.AccessSettings;

namespace LatchGateway.Tests.Access;

/// <summary>
/// <c>latch_access_requests_total{route,state}</c> counts each transition once, by route and the state entered
/// (a new request counts as <c>pending</c> when it waits for review; a break-glass or review-free one enters
/// <c>break_glass</c> or <c>granted</c> at once); refused calls count nothing.
/// </summary>
[Collection(nameof(SerialMetricsGroup))]
public sealed class AccessMetricsTests(AccessGatewayFixture fixture) : IClassFixture<AccessGatewayFixture>
{
    [Fact]
    public async Task Every_transition_is_counted_once_by_route_and_state()
    {
        // A gateway of its own, with routes of its own, so the counts are exactly this test's.
        await using var gateway = await fixture.StartGatewayAsync(
            AbuseHttp.Merge(
                Route("metered"),
                Route("metered-open"),
                Policy("metered", ["group:engineering"], ["group:sre"], 1, ("BreakGlass", "true")),
                Policy("metered-open", ["*"], null, 0),
                new Dictionary<string, string?> { ["Latch:Store:SweepInterval"] = "00:01:00" }),
            GatewayTime.NewClock());
        var alice = Engineer();
        var bob = Sre();
        object Ask(string route = "metered") => new { route, reason = "INC-13" };

        var issued = (await AccessHttp.CreatedAsync(gateway, alice, Ask())).Id();
        await AccessHttp.ApprovedAsync(gateway, bob, issued);
        await AccessHttp.PickedUpAsync(gateway, alice, issued);
        var denied = (await AccessHttp.CreatedAsync(gateway, alice, Ask())).Id();
        await AccessHttp.ExpectAsync(await AccessHttp.DenyAsync(gateway, bob, denied, "no"), HttpStatusCode.OK);
        var cancelled = (await AccessHttp.CreatedAsync(gateway, alice, Ask())).Id();
        await AccessHttp.ExpectAsync(await AccessHttp.CancelAsync(gateway, alice, cancelled), HttpStatusCode.OK);
        await AccessHttp.CreatedAsync(gateway, alice, new { route = "metered", reason = "outage", breakGlass = true });
        await AccessHttp.CreatedAsync(gateway, Person.New("walk-in"), Ask("metered-open"));

        // Refused calls change nothing, so they count nothing.
        await AccessHttp.AssertErrorAsync(await AccessHttp.ApproveAsync(gateway, bob, denied), HttpStatusCode.Conflict, "access_conflict");
        await AccessHttp.AssertErrorAsync(await AccessHttp.PickUpAsync(gateway, alice, issued), HttpStatusCode.Conflict, "access_conflict");
        await AccessHttp.AssertErrorAsync(await AccessHttp.CreateAsync(gateway, bob, Ask()), HttpStatusCode.Forbidden, "access_forbidden");

        await AccessHttp.CreatedAsync(gateway, alice, Ask());
        gateway.Advance(TimeSpan.FromHours(1) + TimeSpan.FromMinutes(1));

        var expected = new Dictionary<(string Route, string State), double>
        {
            [("metered", "pending")] = 4,
            [("metered", "granted")] = 1,
            [("metered", "issued")] = 1,
            [("metered", "denied")] = 1,
            [("metered", "cancelled")] = 1,
            [("metered", "break_glass")] = 1,
            // The last pending request past its PendingTtl, and the break-glass one past its PickupWindow.
            [("metered", "expired")] = 2,
            [("metered-open", "granted")] = 1,
            [("metered-open", "expired")] = 1,
        };
        IReadOnlyList<PrometheusSample> samples = [];
        var counted = await LatchHttp.EventuallyAsync(
            async () =>
            {
                samples = [.. (await AbuseHttp.ScrapeAsync(gateway)).Where(s => s.Name == "latch_access_requests_total")];
                return expected.All(e => Count(samples, e.Key.Route, e.Key.State) >= e.Value);
            },
            TimeSpan.FromSeconds(5));

        Assert.True(counted, string.Join("\n", samples));
        Assert.All(expected, e => Assert.Equal(e.Value, Count(samples, e.Key.Route, e.Key.State)));
        Assert.All(samples, s => Assert.Equal(["route", "state"], s.Labels.Keys.Where(k => !k.StartsWith("otel_", StringComparison.Ordinal)).Order(StringComparer.Ordinal)));
        Assert.Equal(expected.Values.Sum(), samples.Sum(s => s.Value));
    }

    private static double Count(IReadOnlyList<PrometheusSample> samples, string route, string state) =>
        samples.Where(s => s["route"] == route && s["state"] == state).Sum(s => s.Value);
}
