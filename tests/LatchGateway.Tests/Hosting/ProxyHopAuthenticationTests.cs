using System.Net;
using System.Net.Http.Headers;
using LatchGateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;

namespace LatchGateway.Tests.Hosting;

/// <summary>
/// Authentication runs only for a request that carries credentials: a proxied request without an
/// <c>Authorization</c> header never reaches the JWT bearer handler (it would otherwise run for every request, placed
/// in front of the pipeline by ASP.NET Core itself), and one with a token still identifies its user.
/// </summary>
public sealed class ProxyHopAuthenticationTests
{
    [Fact]
    public async Task A_request_without_credentials_never_reaches_the_bearer_handler_and_one_with_a_token_does()
    {
        await using var backend = await TestBackend.StartAsync();
        var handled = 0;
        await using var gateway = await GatewayInstance.StartAsync(
            backend,
            AbuseHttp.Merge(GatewayFixture.NoLockout, TestJwt.Settings()),
            configure: builder => builder.Services.PostConfigure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, options =>
            {
                var received = options.Events.OnMessageReceived;
                options.Events.OnMessageReceived = context =>
                {
                    Interlocked.Increment(ref handled);
                    return received(context);
                };
            }));
        using var proxy = gateway.CreateProxyClient();

        for (var i = 0; i < 3; i++)
        {
            using var open = await proxy.GetAsync(LatchHttp.UniquePath("/public/"));
            Assert.Equal(HttpStatusCode.OK, open.StatusCode);
        }

        Assert.Equal(0, Volatile.Read(ref handled));

        var code = await gateway.IssueAsync(user: "alice");
        using var request = new HttpRequestMessage(HttpMethod.Get, LatchHttp.UniquePath());
        request.Headers.Add("X-Latch-Code", code.Code);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TestJwt.For("alice"));
        using var latched = await proxy.SendAsync(request);

        Assert.True(latched.StatusCode == HttpStatusCode.OK, await LatchHttp.DescribeAsync(latched));
        Assert.Equal(1, Volatile.Read(ref handled));
    }
}
