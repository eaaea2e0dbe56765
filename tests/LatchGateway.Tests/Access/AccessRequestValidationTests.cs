using System.Net;
using System.Text;
using LatchGateway.Tests.Infrastructure;
using static LatchGateway.Tests.Access.AccessSettings;

namespace LatchGateway.Tests.Access;

/// <summary>
/// Bad access requests: 400 problem+json naming the field (strict JSON included), 403 <c>access_forbidden</c> for
/// someone the policy does not let ask, or ask for break-glass; none of them creates a request.
/// </summary>
public sealed class AccessRequestValidationTests(AccessGatewayFixture fixture) : IClassFixture<AccessGatewayFixture>
{
    /// <summary>A body, and the field the errors must name (null: any, as for broken JSON).</summary>
    public static TheoryData<string, string?> BadBodies => new()
    {
        { "{}", "route" },
        { """{"route":"  ","reason":"x"}""", "route" },
        { """{"route":"no-such-route","reason":"x"}""", "route" },
        { """{"route":"public","reason":"x"}""", "route" },
        { """{"route":"shadow","reason":"x"}""", "route" },
        { """{"route":"vault","reason":"x"}""", "route" },
        { $$"""{"route":"{{new string('r', 300)}}","reason":"x"}""", "route" },
        { """{"route":"orders-admin"}""", "reason" },
        { """{"route":"orders-admin","reason":"   "}""", "reason" },
        { """{"route":"orders-admin","reason":"INC\u0007"}""", "reason" },
        { """{"route":"orders-admin","reason":"INC-1\u202E"}""", "reason" },
        { $$"""{"route":"orders-admin","reason":"{{new string('r', 2000)}}"}""", "reason" },
        { """{"route":"exports","breakGlass":true}""", "reason" },
        { """{"route":"exports","reason":" ","breakGlass":true}""", "reason" },
        { $$"""{"route":"orders-admin","reason":"x","ttlSeconds":{{OrdersMaxTtlSeconds + 1}}}""", "ttlSeconds" },
        { """{"route":"orders-admin","reason":"x","ttlSeconds":0}""", "ttlSeconds" },
        { """{"route":"orders-admin","reason":"x","ttlSeconds":-5}""", "ttlSeconds" },
        { """{"route":"orders-admin","reason":"x","ttlSeconds":"60"}""", "ttlSeconds" },
        { """{"route":"orders-admin","reason":"x","ttlSeconds":99999999999}""", "ttlSeconds" },
        { """{"route":"exports","reason":"x","ttlSeconds":301}""", "ttlSeconds" },
        { """{"route":"orders-admin","reason":"x","sessionSeconds":60}""", "sessionSeconds" },
        { $$"""{"route":"console","reason":"x","sessionSeconds":{{ConsoleLifetimeSeconds + 1}}}""", "sessionSeconds" },
        { """{"route":"console","reason":"x","sessionSeconds":0}""", "sessionSeconds" },
        { """{"route":"orders-admin","reason":"x","ip":"abc"}""", "ip" },
        { """{"route":"orders-admin","reason":"x","ip":""}""", "ip" },
        { """{"route":"orders-admin","reason":"x","ip":"999.1.1.1"}""", "ip" },
        { """{"route":"orders-admin","reason":"x","ip":"10.0.0.1/8"}""", "ip" },
        { """{"route":"orders-admin","reason":"x","ip":"10.0.0.0/33"}""", "ip" },
        { """{"route":"orders-admin","reason":"x","breakGlass":"yes"}""", "breakGlass" },
        { """{"route":"orders-admin","reason":"x","colour":"red"}""", "colour" },
        { """{"route":"orders-admin","reason":"x","user":"mallory"}""", "user" },
        { """{"route":"exports","route":"orders-admin","reason":"x"}""", "route" },
        { """{"route":"orders-admin","reason":"x","reason":"y"}""", "reason" },
        { """{"Route":"orders-admin","reason":"x"}""", "Route" },
        { """{"route":"orders-admin","REASON":"x"}""", "REASON" },
        { """{"route":"orders-admin",""", null },
        { "not json", null },
        { "[]", null },
        { "null", null },
        { "", null },
    };

    private GatewayInstance Gateway => fixture.Gateway;

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task A_bad_request_is_400_naming_the_field_and_creates_nothing(string body, string? field)
    {
        var alice = Engineer();
        using var client = AccessHttp.Client(Gateway, alice);

        using var response = await AccessHttp.PostAsync(client, "access/requests", body);

        var problem = await LatchHttp.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        var named = problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).ToList();
        Assert.NotEmpty(named);
        if (field is not null)
        {
            Assert.Contains(field, named);
        }

        await AssertNothingCreatedAsync(alice);
    }

    [Fact]
    public async Task A_body_over_16_KiB_is_413()
    {
        var alice = Engineer();
        using var client = AccessHttp.Client(Gateway, alice);

        using var response = await AccessHttp.PostAsync(client, "access/requests", $$"""{"route":"orders-admin","reason":"{{new string('r', 17 * 1024)}}"}""");

        await LatchHttp.AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        await AssertNothingCreatedAsync(alice);
    }

    [Fact]
    public async Task Someone_outside_the_requesters_is_403_access_forbidden()
    {
        var bob = Sre();
        var nobody = Person.New("nobody");

        await AccessHttp.AssertErrorAsync(await AccessHttp.CreateAsync(Gateway, bob, new { route = "orders-admin", reason = "x" }), HttpStatusCode.Forbidden, "access_forbidden");
        await AccessHttp.AssertErrorAsync(await AccessHttp.CreateAsync(Gateway, nobody, new { route = "orders-admin", reason = "x" }), HttpStatusCode.Forbidden, "access_forbidden");
        await AccessHttp.AssertErrorAsync(await AccessHttp.CreateAsync(Gateway, Carol(), new { route = "exports", reason = "x" }), HttpStatusCode.Forbidden, "access_forbidden");

        await AssertNothingCreatedAsync(bob);
        await AssertNothingCreatedAsync(nobody);
    }

    [Fact]
    public async Task Break_glass_where_the_policy_does_not_allow_it_is_403_access_forbidden()
    {
        var alice = Engineer();

        var problem = await AccessHttp.AssertErrorAsync(
            await AccessHttp.CreateAsync(Gateway, alice, new { route = "orders-admin", reason = "outage", breakGlass = true }), HttpStatusCode.Forbidden, "access_forbidden");

        Assert.Contains("break-glass", problem.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
        await AssertNothingCreatedAsync(alice);
    }

    [Fact]
    public async Task The_route_and_the_ip_are_taken_as_given_when_valid()
    {
        var alice = Engineer();

        var network = await AccessHttp.CreatedAsync(Gateway, alice, new { route = "orders-admin", reason = "x", ip = "10.0.0.0/8", ttlSeconds = 60 });
        var single = await AccessHttp.CreatedAsync(Gateway, alice, new { route = "console", reason = "x", ip = "2001:db8::1", sessionSeconds = 30 });

        Assert.Equal("10.0.0.0/8", network.GetProperty("ip").GetString());
        Assert.Equal(60, network.GetProperty("ttlSeconds").GetInt32());
        Assert.Equal("2001:db8::1", single.GetProperty("ip").GetString());
        Assert.Equal(30, single.GetProperty("sessionSeconds").GetInt32());
    }

    private async Task AssertNothingCreatedAsync(Person person)
    {
        var mine = await AccessHttp.ExpectAsync(await AccessHttp.GetAsync(Gateway, person, "access/requests?mine=true"), HttpStatusCode.OK);
        Assert.Equal(0, mine.GetArrayLength());
    }
}
