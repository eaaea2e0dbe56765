using System.Net;
using System.Net.Http.Json;
using LatchGateway.Store.Redis;
using LatchGateway.Tests.Infrastructure;

namespace LatchGateway.Tests.Deploy;

/// <summary>
/// The Secrets deploy/kubernetes/secrets/make-secrets.sh generates, used together as the cluster would: Redis
/// with the generated users.acl, and a gateway given exactly what the rendered Deployment's environment gives its
/// container, the secretKeyRefs resolved from the generated Secret.
/// </summary>
public sealed partial class RedisDeployTests
{
    [Fact]
    public async Task A_gateway_given_the_generated_Secrets_latches_codes_on_the_Redis_given_them_and_takes_the_printed_admin_key()
    {
        await using var deployed = await DeployedRedis.StartAsync();
        var container = (Dictionary<object, object>)Assert.Single(
            KustomizeTests.Find(await Production.Value, "Deployment", "latch-gateway").Map("spec").Map("template").Map("spec").List("containers"));

        var settings = RedisSettings.For(deployed.ConnectionString);
        foreach (var variable in container.List("env").Cast<Dictionary<object, object>>())
        {
            var key = variable.Text("name").Replace("__", ":", StringComparison.Ordinal);
            if (variable.Has("valueFrom"))
            {
                var reference = variable.Map("valueFrom").Map("secretKeyRef");
                Assert.Equal("latch-gateway-secrets", reference.Text("name"));
                settings[key] = deployed.Secrets.Gateway[reference.Text("key")];
            }
            else
            {
                settings[key] = variable.Text("value");
            }
        }

        // What only the cluster provides: Redis's address (latch-redis:6379 in the generated string).
        settings["ConnectionStrings:Redis"] = deployed.ConnectionString;
        await using var backend = await TestBackend.StartAsync();
        await using var gateway = await GatewayInstance.StartAsync(backend, settings);

        using var admin = new HttpClient { BaseAddress = gateway.AdminAddress };
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("readyz")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await admin.PostAsJsonAsync("admin/codes", new { route = "orders-admin" })).StatusCode);
        admin.DefaultRequestHeaders.Add("X-Api-Key", deployed.Secrets.AdminKey);
        var issued = await admin.PostAsJsonAsync("admin/codes", new { route = "orders-admin" });
        Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
        var body = await issued.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        var code = body.GetProperty("code").GetString();

        using var proxy = gateway.CreateProxyClient();
        foreach (var expected in new[] { HttpStatusCode.OK, HttpStatusCode.Forbidden })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "orders/admin/x");
            request.Headers.Add("X-Latch-Code", code);
            Assert.Equal(expected, (await proxy.SendAsync(request)).StatusCode);
        }

        Assert.Equal("1", (await deployed.CliAsync(Inspector, InspectorPassword, "EXISTS", (string)new RedisKeys("latch").Id(body.GetProperty("id").GetString()!)!)).Trim());
    }
}
