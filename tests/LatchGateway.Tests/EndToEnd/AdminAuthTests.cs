using System.Net;
using System.Net.Http.Json;
using LatchGateway.Tests.Infrastructure;

namespace LatchGateway.Tests.EndToEnd;

/// <summary>Admin API authentication (X-Api-Key: 401) and authorisation by scope (403).</summary>
public abstract class AdminAuthTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : GatewayFixture
{
    public static TheoryData<string, string> Calls => new()
    {
        { "POST", "admin/codes" },
        { "GET", "admin/codes" },
        { "GET", "admin/codes?route=orders-admin" },
        { "GET", "admin/codes/abc" },
        { "DELETE", "admin/codes/abc" },
        { "GET", "admin/routes" },
    };

    [Theory]
    [MemberData(nameof(Calls))]
    public async Task Missing_key_is_401_problem(string method, string path)
    {
        using var admin = fixture.Gateway.CreateAdminClient(keyName: null);

        using var response = await SendAsync(admin, method, path);

        var problem = await LatchHttp.AssertProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal(401, problem.GetProperty("status").GetInt32());
        Assert.True(LatchHttp.IsNoStore(response), "Cache-Control: no-store missing");
    }

    [Theory]
    [MemberData(nameof(Calls))]
    public async Task Wrong_key_is_401_problem(string method, string path)
    {
        using var admin = fixture.Gateway.CreateAdminClient(keyName: null);
        admin.DefaultRequestHeaders.Add("X-Api-Key", "not-a-configured-key");

        using var response = await SendAsync(admin, method, path);

        await LatchHttp.AssertProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    [Theory]
    [MemberData(nameof(Calls))]
    public async Task Key_digest_instead_of_key_is_401(string method, string path)
    {
        using var admin = fixture.Gateway.CreateAdminClient(keyName: null);
        admin.DefaultRequestHeaders.Add("X-Api-Key", GatewayInstance.Sha256Hex(GatewayInstance.ApiKeys["ops"].Key));

        using var response = await SendAsync(admin, method, path);

        await LatchHttp.AssertProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("reader", "POST", "admin/codes")]
    [InlineData("reader", "DELETE", "admin/codes/abc")]
    [InlineData("issuer", "GET", "admin/codes")]
    [InlineData("issuer", "GET", "admin/codes/abc")]
    [InlineData("issuer", "DELETE", "admin/codes/abc")]
    [InlineData("issuer", "GET", "admin/routes")]
    public async Task Key_without_the_scope_is_403_problem(string keyName, string method, string path)
    {
        using var admin = fixture.Gateway.CreateAdminClient(keyName);

        using var response = await SendAsync(admin, method, path);

        var problem = await LatchHttp.AssertProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Equal(403, problem.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task Reader_key_lacking_issue_scope_issues_nothing()
    {
        var user = $"reader-{Guid.NewGuid():N}";
        using var reader = fixture.Gateway.CreateAdminClient("reader");

        using var refused = await reader.PostAsJsonAsync("admin/codes", new { route = "orders-admin", user });
        using var list = await reader.GetAsync($"admin/codes?user={user}");

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("[]", await list.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Keys_with_the_right_scopes_succeed()
    {
        using var issuer = fixture.Gateway.CreateAdminClient("issuer");
        using var reader = fixture.Gateway.CreateAdminClient("reader");
        using var ops = fixture.Gateway.CreateAdminClient("ops");

        using var issued = await issuer.PostAsJsonAsync("admin/codes", new { route = "orders-admin" });
        var code = await issued.Content.ReadFromJsonAsync<IssuedCode>(GatewayInstance.Json);
        using var list = await reader.GetAsync("admin/codes");
        using var read = await reader.GetAsync($"admin/codes/{code!.Id}");
        using var routes = await reader.GetAsync("admin/routes");
        using var revoked = await ops.DeleteAsync($"admin/codes/{code.Id}");

        Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
        Assert.Equal("issuer", code.IssuedBy);
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(HttpStatusCode.OK, routes.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST")
        {
            request.Content = JsonContent.Create(new { route = "orders-admin" });
        }

        return await client.SendAsync(request);
    }
}

public sealed class AdminAuthTestsOnMemory(MemoryGatewayFixture fixture) : AdminAuthTests<MemoryGatewayFixture>(fixture);

public sealed class AdminAuthTestsOnRedis(RedisGatewayFixture fixture) : AdminAuthTests<RedisGatewayFixture>(fixture);
