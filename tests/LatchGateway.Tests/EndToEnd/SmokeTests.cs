using System.Net;
using LatchGateway.Tests.Infrastructure;

namespace LatchGateway.Tests.EndToEnd;

public abstract class SmokeTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : GatewayFixture
{
    [Fact]
    public async Task A_valid_code_is_forwarded_once()
    {
        var code = await fixture.Gateway.IssueAsync();
        using var proxy = fixture.Gateway.CreateProxyClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "orders/admin/smoke");
        request.Headers.Add("X-Latch-Code", code.Code);

        using var response = await proxy.SendAsync(request);

        Assert.True(response.StatusCode == HttpStatusCode.OK, fixture.Gateway.Logs.All);
        Assert.Equal("backend:/orders/admin/smoke", await response.Content.ReadAsStringAsync());
    }
}

public sealed class SmokeTestsOnMemory(MemoryGatewayFixture fixture) : SmokeTests<MemoryGatewayFixture>(fixture);

public sealed class SmokeTestsOnRedis(RedisGatewayFixture fixture) : SmokeTests<RedisGatewayFixture>(fixture);
