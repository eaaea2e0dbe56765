using System.Net;
using LatchGateway.Tests.Infrastructure;

namespace LatchGateway.Tests.Access;

/// <summary>
/// Group membership as real tokens carry it: a JSON array, a single name, a string holding a JSON array; and the
/// claim renamed with <c>Latch:Identity:GroupsClaim</c>.
/// </summary>
public sealed class AccessGroupsClaimTests(AccessGatewayFixture fixture) : IClassFixture<AccessGatewayFixture>
{
    public static TheoryData<string, object> GroupsForms => new()
    {
        { "a JSON array", new[] { "payroll", "engineering" } },
        { "a JSON array of one", new[] { "engineering" } },
        { "a single name", "engineering" },
        { "a string holding a JSON array", """["payroll","engineering"]""" },
    };

    [Theory]
    [MemberData(nameof(GroupsForms))]
    public async Task A_requester_group_is_recognised_in_every_form_of_the_claim(string form, object groups)
    {
        var token = AccessHttp.Mint(new Dictionary<string, object> { ["sub"] = $"alice-{Guid.NewGuid():N}", ["groups"] = groups });
        using var client = AccessHttp.Client(fixture.Gateway, token);

        using var response = await AccessHttp.PostAsync(client, "access/requests", """{"route":"orders-admin","reason":"INC-11"}""");

        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{form}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    [Theory]
    [InlineData("""["payroll"]""")]
    [InlineData("""engineering,sre""")]
    [InlineData("""["engineering" """)]
    public async Task A_claim_that_does_not_name_the_group_is_403(string groups)
    {
        var token = AccessHttp.Mint(new Dictionary<string, object> { ["sub"] = $"alice-{Guid.NewGuid():N}", ["groups"] = groups });
        using var client = AccessHttp.Client(fixture.Gateway, token);

        var response = await AccessHttp.PostAsync(client, "access/requests", """{"route":"orders-admin","reason":"INC-11"}""");

        await AccessHttp.AssertErrorAsync(response, HttpStatusCode.Forbidden, "access_forbidden");
    }

    [Fact]
    public async Task GroupsClaim_renames_the_claim_groups_are_read_from_for_requesters_and_approvers()
    {
        await using var gateway = await fixture.StartGatewayAsync(new Dictionary<string, string?> { ["Latch:Identity:GroupsClaim"] = "roles" });
        var alice = $"alice-{Guid.NewGuid():N}";
        var byRoles = AccessHttp.Mint(new Dictionary<string, object> { ["sub"] = alice, ["roles"] = new[] { "engineering" } });
        var byGroups = AccessHttp.Mint(new Dictionary<string, object> { ["sub"] = alice, ["groups"] = new[] { "engineering" } });
        var bobByRoles = AccessHttp.Mint(new Dictionary<string, object> { ["sub"] = "bob", ["roles"] = new[] { "sre" } });
        var bobByGroups = AccessHttp.Mint(new Dictionary<string, object> { ["sub"] = "bob", ["groups"] = new[] { "sre" } });
        using var asGroups = AccessHttp.Client(gateway, byGroups);
        using var asRoles = AccessHttp.Client(gateway, byRoles);

        await AccessHttp.AssertErrorAsync(
            await AccessHttp.PostAsync(asGroups, "access/requests", """{"route":"orders-admin","reason":"x"}"""), HttpStatusCode.Forbidden, "access_forbidden");
        var created = await AccessHttp.ExpectAsync(
            await AccessHttp.PostAsync(asRoles, "access/requests", """{"route":"orders-admin","reason":"x"}"""), HttpStatusCode.Created);

        using var bobGroups = AccessHttp.Client(gateway, bobByGroups);
        using var bobRoles = AccessHttp.Client(gateway, bobByRoles);
        await AccessHttp.AssertErrorAsync(await AccessHttp.PostAsync(bobGroups, $"access/requests/{created.Id()}/approve", null), HttpStatusCode.Forbidden, "access_forbidden");
        var approved = await AccessHttp.ExpectAsync(await AccessHttp.PostAsync(bobRoles, $"access/requests/{created.Id()}/approve", null), HttpStatusCode.OK);
        Assert.Equal("granted", approved.State());
    }
}
