using System.Net;
using System.Text.Json;
using LatchGateway.Tests.Infrastructure;
using static LatchGateway.Tests.Access.AccessSettings;

namespace LatchGateway.Tests.Access;

/// <summary>
/// <c>GET /access/requests</c>: newest first; a person sees their own and what they may review, filtered by state,
/// route, <c>mine</c> and <c>reviewable</c>; an <c>access:read</c> key sees all; a bad filter is a 400 naming it.
/// Each test has a gateway of its own on a fake clock, so the requests are exactly its own and a second apart.
/// </summary>
public sealed class AccessListTests(AccessGatewayFixture fixture) : IClassFixture<AccessGatewayFixture>
{
    [Fact]
    public async Task People_see_their_own_and_what_they_review_newest_first_filtered_as_asked()
    {
        await using var gateway = await fixture.StartGatewayAsync(clock: GatewayTime.NewClock());
        var alice = Engineer();
        var erin = Engineer("erin");
        var dave = Person.New("dave", "engineering", "sre");
        var walkIn = Person.New("walk-in");
        var bob = Sre();
        var frank = Sre("frank");
        var r1 = await CreateAsync(gateway, alice, "orders-admin");
        var r2 = await CreateAsync(gateway, alice, "exports");
        var r3 = await CreateAsync(gateway, erin, "orders-admin");
        var r4 = await CreateAsync(gateway, dave, "orders-admin");
        var r5 = await CreateAsync(gateway, walkIn, "open-desk");
        await AccessHttp.ExpectAsync(await AccessHttp.DenyAsync(gateway, bob, r3, "no"), HttpStatusCode.OK);

        Assert.Equal([r2, r1], await ListAsync(gateway, alice, ""));
        Assert.Equal([r2, r1], await ListAsync(gateway, alice, "?mine=true&state=pending"));
        Assert.Equal([r2], await ListAsync(gateway, alice, "?route=exports"));
        Assert.Equal([], await ListAsync(gateway, alice, "?reviewable=true"));
        Assert.Equal([r5], await ListAsync(gateway, walkIn, ""));
        Assert.Equal([r4, r3, r2, r1], await ListAsync(gateway, bob, ""));
        Assert.Equal([r4, r2, r1], await ListAsync(gateway, bob, "?reviewable=true"));
        Assert.Equal([r3], await ListAsync(gateway, bob, "?state=denied"));
        Assert.Equal([r4, r3, r1], await ListAsync(gateway, bob, "?route=orders-admin"));
        Assert.Equal([], await ListAsync(gateway, bob, "?mine=true"));
        Assert.Equal([r4, r3, r1], await ListAsync(gateway, Carol(), ""));
        Assert.Equal([r4, r1], await ListAsync(gateway, Carol(), "?reviewable=true"));
        Assert.Equal([r4, r3, r2, r1], await ListAsync(gateway, dave, ""));
        Assert.Equal([r2, r1], await ListAsync(gateway, dave, "?reviewable=true"));
        Assert.Equal([r4], await ListAsync(gateway, dave, "?mine=true"));
        Assert.Equal([r4, r3], await ListAsync(gateway, bob, "?limit=2"));

        // An approval of a request that needs two takes it off that approver's list only.
        await AccessHttp.ApprovedAsync(gateway, bob, r2);
        Assert.Equal([r4, r1], await ListAsync(gateway, bob, "?reviewable=true"));
        Assert.Equal([r4, r2, r1], await ListAsync(gateway, frank, "?reviewable=true"));
    }

    [Fact]
    public async Task An_access_read_key_sees_all_newest_first_with_the_same_filters()
    {
        await using var gateway = await fixture.StartGatewayAsync(clock: GatewayTime.NewClock());
        var r1 = await CreateAsync(gateway, Engineer(), "orders-admin");
        var r2 = await CreateAsync(gateway, Person.New("walk-in"), "open-desk");
        var r3 = await CreateAsync(gateway, Engineer("erin"), "exports");
        using var auditor = AccessHttp.Client(gateway, apiKey: AccessHttp.AuditorKey);

        Assert.Equal([r3, r2, r1], await IdsAsync(auditor, ""));
        Assert.Equal([r2], await IdsAsync(auditor, "?state=granted"));
        Assert.Equal([r3, r1], await IdsAsync(auditor, "?state=PENDING"));
        Assert.Equal([r1], await IdsAsync(auditor, "?route=orders-admin"));
        Assert.Equal([r3], await IdsAsync(auditor, "?limit=1"));
        Assert.Equal([r3, r2, r1], await IdsAsync(auditor, "?limit=1000"));
    }

    [Theory]
    [InlineData("?limit=0", "limit")]
    [InlineData("?limit=1001", "limit")]
    [InlineData("?limit=-1", "limit")]
    [InlineData("?limit=abc", "limit")]
    [InlineData("?state=approved", "state")]
    [InlineData("?state=1", "state")]
    [InlineData("?mine=maybe", "mine")]
    public async Task A_bad_filter_is_400_naming_it(string query, string field)
    {
        var response = await AccessHttp.GetAsync(fixture.Gateway, Engineer(), "access/requests" + query);

        await AccessHttp.AssertInvalidAsync(response, field);
    }

    private static async Task<string> CreateAsync(GatewayInstance gateway, Person person, string route)
    {
        var id = (await AccessHttp.CreatedAsync(gateway, person, new { route, reason = "INC-7" })).Id();
        gateway.Advance(TimeSpan.FromSeconds(1));
        return id;
    }

    private static async Task<List<string>> ListAsync(GatewayInstance gateway, Person person, string query)
    {
        using var client = AccessHttp.Client(gateway, person);
        return await IdsAsync(client, query);
    }

    private static async Task<List<string>> IdsAsync(HttpClient client, string query)
    {
        var list = await AccessHttp.ExpectAsync(await client.GetAsync("access/requests" + query), HttpStatusCode.OK);
        Assert.Equal(JsonValueKind.Array, list.ValueKind);
        return [.. list.EnumerateArray().Select(r => r.Id())];
    }
}
