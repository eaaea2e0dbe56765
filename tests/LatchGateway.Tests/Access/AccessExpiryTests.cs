using System.Net;
using LatchGateway.Tests.Infrastructure;
using static LatchGateway.Tests.Access.AccessSettings;

namespace LatchGateway.Tests.Access;

/// <summary>
/// Deadlines on a fake clock: a pending request expires after PendingTtl (at once for readers, audited once by the
/// sweep), a granted one after PickupWindow; the code's own lifetime starts when it is picked up.
/// The sweep runs every 7 minutes, so the hour-long PendingTtl ends between two sweeps.
/// </summary>
public sealed class AccessExpiryTests(AccessGatewayFixture fixture) : IClassFixture<AccessGatewayFixture>
{
    private static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(7);
    private static readonly TimeSpan PendingTtl = TimeSpan.FromHours(1);
    private static readonly TimeSpan PickupWindow = TimeSpan.FromMinutes(15);

    [Fact]
    public async Task A_pending_request_past_its_PendingTtl_reads_expired_refuses_review_and_is_audited_once_by_the_sweep()
    {
        await using var gateway = await StartAsync();
        var alice = Engineer();
        var bob = Sre();
        var id = (await AccessHttp.CreatedAsync(gateway, alice, new { route = "orders-admin", reason = "INC-8" })).Id();

        gateway.Advance(PendingTtl - TimeSpan.FromSeconds(1));
        Assert.Equal("pending", (await AccessHttp.ReadAsync(gateway, alice, id)).State());
        gateway.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal("expired", (await AccessHttp.ReadAsync(gateway, alice, id)).State());
        using var auditor = AccessHttp.Client(gateway, apiKey: AccessHttp.AuditorKey);
        var listed = await AccessHttp.ExpectAsync(await auditor.GetAsync("access/requests?state=expired"), HttpStatusCode.OK);
        Assert.Equal([id], listed.EnumerateArray().Select(r => r.Id()));
        await AccessHttp.AssertErrorAsync(await AccessHttp.ApproveAsync(gateway, bob, id), HttpStatusCode.Conflict, "access_conflict");
        await AccessHttp.AssertErrorAsync(await AccessHttp.DenyAsync(gateway, bob, id, "late"), HttpStatusCode.Conflict, "access_conflict");
        await AccessHttp.AssertErrorAsync(await AccessHttp.CancelAsync(gateway, alice, id), HttpStatusCode.Conflict, "access_conflict");

        gateway.Advance(SweepInterval);
        var trail = await AccessHttp.WaitForTrailAsync(gateway, id, events => events.Any(e => e.Type == "access_expired"));

        // Later sweeps do not expire it again: a marker request made after three more of them is in the trail by now.
        gateway.Advance(SweepInterval * 3);
        var marker = (await AccessHttp.CreatedAsync(gateway, alice, new { route = "orders-admin", reason = "marker" })).Id();
        await AccessHttp.WaitForTrailAsync(gateway, marker, events => events.Count == 1);
        trail = await AccessHttp.WaitForTrailAsync(gateway, id, _ => true);

        Assert.Equal(["access_requested", "access_expired"], trail.Select(e => e.Type));
        Assert.StartsWith("pending_ttl", trail[1].Reason, StringComparison.Ordinal);
        Assert.Null(trail[1].Actor);
        Assert.Equal("expired", (await AccessHttp.ReadAsync(gateway, alice, id)).State());
    }

    [Fact]
    public async Task A_granted_request_not_picked_up_within_its_PickupWindow_expires()
    {
        await using var gateway = await StartAsync();
        var alice = Engineer();
        var id = (await AccessHttp.CreatedAsync(gateway, alice, new { route = "orders-admin", reason = "INC-9" })).Id();
        gateway.Advance(TimeSpan.FromMinutes(30));
        var granted = await AccessHttp.ApprovedAsync(gateway, Carol(), id);
        Assert.Equal(gateway.Clock!.GetUtcNow() + PickupWindow, granted.GetProperty("expiresAt").GetDateTimeOffset(), TimeSpan.FromMilliseconds(1));

        gateway.Advance(PickupWindow);

        var problem = await AccessHttp.AssertErrorAsync(await AccessHttp.PickUpAsync(gateway, alice, id), HttpStatusCode.Conflict, "access_conflict");
        Assert.Contains("expired", problem.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal("expired", (await AccessHttp.ReadAsync(gateway, alice, id)).State());
        gateway.Advance(SweepInterval);
        var trail = await AccessHttp.WaitForTrailAsync(gateway, id, events => events.Any(e => e.Type == "access_expired"));
        Assert.Equal(["access_requested", "access_approved", "access_granted", "access_expired"], trail.Select(e => e.Type));
        Assert.StartsWith("pickup_window", trail[^1].Reason, StringComparison.Ordinal);
        using var admin = gateway.CreateAdminClient();
        var codes = await AccessHttp.ExpectAsync(await admin.GetAsync($"admin/codes?user={alice.User}"), HttpStatusCode.OK);
        Assert.Equal(0, codes.GetArrayLength());
    }

    [Fact]
    public async Task The_codes_lifetime_starts_at_pickup_late_in_the_window()
    {
        await using var gateway = await StartAsync();
        var alice = Engineer();
        var id = (await AccessHttp.CreatedAsync(gateway, alice, new { route = "orders-admin", reason = "INC-10", ttlSeconds = 60 })).Id();
        await AccessHttp.ApprovedAsync(gateway, Carol(), id);
        gateway.Advance(PickupWindow - TimeSpan.FromSeconds(1));
        var pickedUpAt = gateway.Clock!.GetUtcNow();

        var code = await AccessHttp.PickedUpAsync(gateway, alice, id);

        Assert.Equal(pickedUpAt, code.IssuedAt, TimeSpan.FromMilliseconds(1));
        Assert.Equal(code.IssuedAt + TimeSpan.FromSeconds(60), code.ExpiresAt);
        gateway.Advance(TimeSpan.FromSeconds(59));
        using var proxy = gateway.CreateProxyClient();
        using var accepted = await proxy.PresentAsync(LatchHttp.UniquePath(), code.Code, alice.Token);
        Assert.True(accepted.StatusCode == HttpStatusCode.OK, await LatchHttp.DescribeAsync(accepted));
        Assert.Equal("issued", (await AccessHttp.ReadAsync(gateway, alice, id)).State());
    }

    private Task<GatewayInstance> StartAsync() => fixture.StartGatewayAsync(
        new Dictionary<string, string?> { ["Latch:Store:SweepInterval"] = SweepInterval.ToString() },
        GatewayTime.NewClock());
}
