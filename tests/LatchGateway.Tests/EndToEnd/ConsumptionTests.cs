using System.Net;
using LatchGateway.Tests.Infrastructure;

namespace LatchGateway.Tests.EndToEnd;

/// <summary>The first presentation consumes a code, whatever its outcome.</summary>
public abstract class ConsumptionTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : GatewayFixture
{
    [Fact]
    public async Task Code_presented_on_the_wrong_route_is_then_refused_on_its_own_route()
    {
        var code = await fixture.Gateway.IssueAsync(route: "orders-admin");
        using var proxy = fixture.Gateway.CreateProxyClient();
        var wrong = LatchHttp.UniquePath("/exports/");
        var right = LatchHttp.UniquePath("/orders/admin/");

        using var first = await proxy.GetWithCodeAsync(wrong, code.Code);
        using var second = await proxy.GetWithCodeAsync(right, code.Code);

        Assert.Equal(HttpStatusCode.Forbidden, first.StatusCode);
        Assert.Equal("latch_invalid", (await LatchHttp.AssertProblemAsync(second, HttpStatusCode.Forbidden)).GetProperty("error").GetString());
        Assert.Empty(fixture.Backend.ReceivedUnder(wrong));
        Assert.Empty(fixture.Backend.ReceivedUnder(right));
    }

    [Fact]
    public async Task Code_refused_for_its_ip_binding_is_no_longer_live()
    {
        var code = await fixture.Gateway.IssueAsync(ip: "203.0.113.7");
        using var proxy = fixture.Gateway.CreateProxyClient();
        using var admin = fixture.Gateway.CreateAdminClient();
        using (var before = await admin.GetAsync($"admin/codes/{code.Id}"))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        using var refused = await proxy.GetWithCodeAsync(LatchHttp.UniquePath(), code.Code);
        using var after = await admin.GetAsync($"admin/codes/{code.Id}");

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, after.StatusCode);
    }
}

public sealed class ConsumptionTestsOnMemory(MemoryGatewayFixture fixture) : ConsumptionTests<MemoryGatewayFixture>(fixture);

public sealed class ConsumptionTestsOnRedis(RedisGatewayFixture fixture) : ConsumptionTests<RedisGatewayFixture>(fixture);
