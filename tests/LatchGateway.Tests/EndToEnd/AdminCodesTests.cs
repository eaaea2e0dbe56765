using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using LatchGateway.Tests.Infrastructure;

namespace LatchGateway.Tests.EndToEnd;

/// <summary>Issuing, listing, reading and revoking codes, and listing routes, through the admin API.</summary>
public abstract partial class AdminCodesTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : GatewayFixture
{
    private static readonly string[] IssueMembers = ["id", "code", "route", "user", "ip", "issuedAt", "expiresAt", "issuedBy", "reason"];

    private GatewayInstance Gateway => fixture.Gateway;

    [Fact]
    public async Task Issue_answers_201_with_location_no_store_and_every_member()
    {
        using var admin = Gateway.CreateAdminClient();
        var user = $"alice-{Guid.NewGuid():N}";

        using var response = await admin.PostAsJsonAsync(
            "admin/codes", new { route = "orders-admin", user, ip = "10.0.0.0/8", ttlSeconds = 60, reason = "INC-4711" });

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        Assert.True(LatchHttp.IsNoStore(response), "Cache-Control: no-store missing");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        Assert.Equal(IssueMembers.Order(StringComparer.Ordinal), root.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        var id = root.GetProperty("id").GetString()!;
        Assert.False(string.IsNullOrWhiteSpace(id));
        Assert.Equal($"/admin/codes/{id}", response.Headers.Location?.OriginalString);
        Assert.Matches(CodeShape(), root.GetProperty("code").GetString());
        Assert.Equal("orders-admin", root.GetProperty("route").GetString());
        Assert.Equal(user, root.GetProperty("user").GetString());
        Assert.Equal("10.0.0.0/8", root.GetProperty("ip").GetString());
        Assert.Equal("ops", root.GetProperty("issuedBy").GetString());
        Assert.Equal("INC-4711", root.GetProperty("reason").GetString());
        var issuedAt = root.GetProperty("issuedAt").GetDateTimeOffset();
        Assert.Equal(TimeSpan.FromSeconds(60), root.GetProperty("expiresAt").GetDateTimeOffset() - issuedAt);
        Assert.InRange(issuedAt, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
    }

    [Fact]
    public async Task Issue_with_only_a_route_defaults_to_a_120_second_ttl_and_null_bindings()
    {
        using var admin = Gateway.CreateAdminClient();

        using var response = await admin.PostAsJsonAsync("admin/codes", new { route = "exports" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var code = (await response.Content.ReadFromJsonAsync<IssuedCode>(GatewayInstance.Json))!;
        Assert.Equal(TimeSpan.FromSeconds(120), code.ExpiresAt - code.IssuedAt);
        Assert.Equal("exports", code.Route);
        Assert.Null(code.User);
        Assert.Null(code.Ip);
        Assert.Null(code.Reason);
        Assert.Matches(CodeShape(), code.Code);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(300)]
    public async Task Issue_accepts_ttl_at_both_bounds(int ttlSeconds)
    {
        var code = await Gateway.IssueAsync(ttlSeconds: ttlSeconds);

        Assert.Equal(TimeSpan.FromSeconds(ttlSeconds), code.ExpiresAt - code.IssuedAt);
    }

    [Fact]
    public async Task Route_id_in_another_case_is_rejected_or_the_issued_code_opens_the_route()
    {
        using var admin = Gateway.CreateAdminClient();
        using var proxy = Gateway.CreateProxyClient();

        using var response = await admin.PostAsJsonAsync("admin/codes", new { route = "ORDERS-ADMIN" });

        if (response.StatusCode == HttpStatusCode.BadRequest)
        {
            var problem = await LatchHttp.AssertProblemAsync(response, HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty("route", out _), problem.ToString());
            return;
        }

        // Accepted: then the code must work on the route it was issued for.
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var code = (await response.Content.ReadFromJsonAsync<IssuedCode>(GatewayInstance.Json))!;
        var path = LatchHttp.UniquePath();
        using var presented = await proxy.GetWithCodeAsync(path, code.Code);
        Assert.True(
            presented.StatusCode == HttpStatusCode.OK,
            $"issued 201 for route \"{code.Route}\", but the code is refused on /orders/admin/: {(int)presented.StatusCode} {await presented.Content.ReadAsStringAsync()}");
    }

    [Fact]
    public async Task Single_address_is_shown_as_the_address()
    {
        var code = await Gateway.IssueAsync(ip: "203.0.113.7");

        Assert.Equal("203.0.113.7", code.Ip);
    }

    [Fact]
    public async Task Issued_codes_differ()
    {
        var codes = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            codes.Add((await Gateway.IssueAsync()).Code);
        }

        Assert.Equal(codes.Count, codes.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public async Task List_shows_live_codes_without_the_code_and_filters_by_route_and_user()
    {
        var user = $"bob-{Guid.NewGuid():N}";
        var orders = await Gateway.IssueAsync(route: "orders-admin", user: user);
        var exports = await Gateway.IssueAsync(route: "exports", user: user);
        var other = await Gateway.IssueAsync(route: "exports", user: $"carol-{Guid.NewGuid():N}");
        using var admin = Gateway.CreateAdminClient("reader");

        var byUser = await ListAsync(admin, $"admin/codes?user={user}");
        var byUserAndRoute = await ListAsync(admin, $"admin/codes?route=exports&user={user}");
        var byRoute = await ListAsync(admin, "admin/codes?route=exports");
        var all = await ListAsync(admin, "admin/codes");

        Assert.Equal(new[] { orders.Id, exports.Id }.Order(StringComparer.Ordinal), byUser.Select(Id).Order(StringComparer.Ordinal));
        Assert.Equal([exports.Id], byUserAndRoute.Select(Id));
        Assert.Contains(other.Id, byRoute.Select(Id));
        Assert.DoesNotContain(orders.Id, byRoute.Select(Id));
        Assert.All(byRoute, c => Assert.Equal("exports", c.GetProperty("route").GetString()));
        Assert.Contains(orders.Id, all.Select(Id));
        foreach (var listed in all)
        {
            Assert.False(listed.TryGetProperty("code", out _), $"a listed code has a 'code' member: {listed}");
            var text = listed.GetRawText();
            Assert.DoesNotContain(LatchHttp.Normalised(orders.Code), LatchHttp.Normalised(text), StringComparison.Ordinal);
        }

        var shown = byUserAndRoute.Single();
        Assert.Equal(IssueMembers.Where(m => m != "code").Order(StringComparer.Ordinal), shown.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Consumed_and_revoked_codes_are_not_listed()
    {
        var user = $"dave-{Guid.NewGuid():N}";
        var consumed = await Gateway.IssueAsync(user: user);
        var revoked = await Gateway.IssueAsync(user: user);
        var live = await Gateway.IssueAsync(user: user);
        using var admin = Gateway.CreateAdminClient();
        using var proxy = Gateway.CreateProxyClient();
        using (var refused = await proxy.GetWithCodeAsync(LatchHttp.UniquePath(), consumed.Code))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode); // bound to a user: refused, yet consumed
        }

        using (var deleted = await admin.DeleteAsync($"admin/codes/{revoked.Id}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        var listed = await ListAsync(admin, $"admin/codes?user={user}");

        Assert.Equal([live.Id], listed.Select(Id));
    }

    [Fact]
    public async Task Get_by_id_is_200_with_metadata_and_404_when_unknown()
    {
        var code = await Gateway.IssueAsync(route: "exports", user: "erin", ip: "127.0.0.0/8");
        using var admin = Gateway.CreateAdminClient("reader");

        using var found = await admin.GetAsync($"admin/codes/{code.Id}");
        using var missing = await admin.GetAsync("admin/codes/doesnotexist0000000000");

        var body = await found.Content.ReadAsStringAsync();
        Assert.True(found.StatusCode == HttpStatusCode.OK, body);
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        Assert.False(root.TryGetProperty("code", out _));
        Assert.Equal(code.Id, root.GetProperty("id").GetString());
        Assert.Equal("exports", root.GetProperty("route").GetString());
        Assert.Equal("erin", root.GetProperty("user").GetString());
        Assert.Equal("127.0.0.0/8", root.GetProperty("ip").GetString());
        Assert.Equal("ops", root.GetProperty("issuedBy").GetString());
        Assert.Equal(code.ExpiresAt, root.GetProperty("expiresAt").GetDateTimeOffset());
        Assert.DoesNotContain(LatchHttp.Normalised(code.Code), LatchHttp.Normalised(body), StringComparison.Ordinal);
        await LatchHttp.AssertProblemAsync(missing, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Delete_is_204_then_404_and_the_code_no_longer_opens_the_route()
    {
        var code = await Gateway.IssueAsync();
        using var admin = Gateway.CreateAdminClient();
        using var proxy = Gateway.CreateProxyClient();

        using var first = await admin.DeleteAsync($"admin/codes/{code.Id}");
        using var second = await admin.DeleteAsync($"admin/codes/{code.Id}");
        using var read = await admin.GetAsync($"admin/codes/{code.Id}");
        using var presented = await proxy.GetWithCodeAsync(LatchHttp.UniquePath(), code.Code);

        Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        await LatchHttp.AssertProblemAsync(second, HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, presented.StatusCode);
    }

    [Fact]
    public async Task Delete_of_a_consumed_code_is_404()
    {
        var code = await Gateway.IssueAsync();
        using var admin = Gateway.CreateAdminClient();
        using var proxy = Gateway.CreateProxyClient();
        using (var used = await proxy.GetWithCodeAsync(LatchHttp.UniquePath(), code.Code))
        {
            Assert.Equal(HttpStatusCode.OK, used.StatusCode);
        }

        using var deleted = await admin.DeleteAsync($"admin/codes/{code.Id}");

        Assert.Equal(HttpStatusCode.NotFound, deleted.StatusCode);
    }

    [Fact]
    public async Task Routes_lists_every_route_with_its_latch_flag_and_path()
    {
        using var admin = Gateway.CreateAdminClient("reader");

        using var response = await admin.GetAsync("admin/routes");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var routes = document.RootElement.EnumerateArray().ToDictionary(r => r.GetProperty("id").GetString()!, r => r.Clone(), StringComparer.Ordinal);
        Assert.All(routes.Values, r => Assert.Equal(["id", "latch", "path"], r.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal)));
        Assert.True(routes["orders-admin"].GetProperty("latch").GetBoolean());
        Assert.Equal("/orders/admin/{**rest}", routes["orders-admin"].GetProperty("path").GetString());
        Assert.True(routes["exports"].GetProperty("latch").GetBoolean());
        Assert.False(routes["public"].GetProperty("latch").GetBoolean());
        Assert.Equal("/public/{**rest}", routes["public"].GetProperty("path").GetString());
        Assert.False(routes["shadow"].GetProperty("latch").GetBoolean());
    }

    private static string Id(JsonElement code) => code.GetProperty("id").GetString()!;

    private static async Task<List<JsonElement>> ListAsync(HttpClient admin, string path)
    {
        using var response = await admin.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        using var document = JsonDocument.Parse(body);
        return document.RootElement.EnumerateArray().Select(e => e.Clone()).ToList();
    }

    [GeneratedRegex("^[0-9ABCDEFGHJKMNPQRSTVWXYZ]{5}-[0-9ABCDEFGHJKMNPQRSTVWXYZ]{5}$")]
    private static partial Regex CodeShape();
}

public sealed class AdminCodesTestsOnMemory(MemoryGatewayFixture fixture) : AdminCodesTests<MemoryGatewayFixture>(fixture);

public sealed class AdminCodesTestsOnRedis(RedisGatewayFixture fixture) : AdminCodesTests<RedisGatewayFixture>(fixture);
