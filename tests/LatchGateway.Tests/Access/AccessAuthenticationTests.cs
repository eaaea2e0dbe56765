using System.Net;
using LatchGateway.Tests.Infrastructure;
using static LatchGateway.Tests.Access.AccessSettings;

namespace LatchGateway.Tests.Access;

/// <summary>
/// Who reaches <c>/access/requests</c>: people by a JWT the gateway trusts (401 problem+json without one), API keys
/// only to read and only with <c>access:read</c>; a person sees their own requests and those they may review.
/// </summary>
public sealed class AccessAuthenticationTests(AccessGatewayFixture fixture) : IClassFixture<AccessGatewayFixture>
{
    private GatewayInstance Gateway => fixture.Gateway;

    public static TheoryData<string> BadTokens => ["none", "signed by another key", "expired", "another audience", "garbage", "no sub"];

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task Without_a_valid_token_every_call_is_401_problem_json(string kind)
    {
        var id = (await AccessHttp.CreatedAsync(Gateway, Engineer(), new { route = "orders-admin", reason = "x" })).Id();
        using var client = AccessHttp.Client(Gateway, bearer: TokenFor(kind));
        var calls = new (HttpMethod Method, string Path, string? Body)[]
        {
            (HttpMethod.Post, "access/requests", """{"route":"orders-admin","reason":"x"}"""),
            (HttpMethod.Get, "access/requests", null),
            (HttpMethod.Get, $"access/requests/{id}", null),
            (HttpMethod.Post, $"access/requests/{id}/approve", null),
            (HttpMethod.Post, $"access/requests/{id}/deny", """{"reason":"x"}"""),
            (HttpMethod.Post, $"access/requests/{id}/cancel", null),
            (HttpMethod.Post, $"access/requests/{id}/code", null),
        };

        foreach (var (method, path, body) in calls)
        {
            using var request = new HttpRequestMessage(method, path);
            if (body is not null)
            {
                request.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
            }

            using var response = await client.SendAsync(request);

            await LatchHttp.AssertProblemAsync(response, HttpStatusCode.Unauthorized);
            Assert.True(
                response.Headers.WwwAuthenticate.Any(h => string.Equals(h.Scheme, "Bearer", StringComparison.Ordinal)),
                $"{method} {path}: no Bearer challenge");
            Assert.True(LatchHttp.IsNoStore(response), $"{method} {path}: Cache-Control no-store missing");
        }

        Assert.Equal("pending", (await AccessHttp.ReadAsync(Gateway, Carol(), id)).State());
    }

    [Fact]
    public async Task An_api_key_without_access_read_is_403_and_a_wrong_key_401()
    {
        var id = (await AccessHttp.CreatedAsync(Gateway, Engineer(), new { route = "orders-admin", reason = "x" })).Id();
        using var ops = AccessHttp.Client(Gateway, apiKey: GatewayInstance.ApiKeys["ops"].Key);
        using var wrong = AccessHttp.Client(Gateway, apiKey: "not-a-key-0123456789");

        await AccessHttp.AssertErrorAsync(await ops.GetAsync("access/requests"), HttpStatusCode.Forbidden, "access_forbidden");
        await AccessHttp.AssertErrorAsync(await ops.GetAsync($"access/requests/{id}"), HttpStatusCode.Forbidden, "access_forbidden");
        using var unauthorized = await wrong.GetAsync("access/requests");
        await LatchHttp.AssertProblemAsync(unauthorized, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task An_api_key_with_access_read_sees_every_request_but_cannot_ask_or_review()
    {
        var alice = Engineer();
        var walkIn = Person.New("walk-in");
        var pending = (await AccessHttp.CreatedAsync(Gateway, alice, new { route = "orders-admin", reason = "x" })).Id();
        var granted = (await AccessHttp.CreatedAsync(Gateway, walkIn, new { route = "open-desk" })).Id();
        using var auditor = AccessHttp.Client(Gateway, apiKey: AccessHttp.AuditorKey);

        var all = await AccessHttp.ExpectAsync(await auditor.GetAsync("access/requests?limit=1000"), HttpStatusCode.OK);
        var one = await AccessHttp.ExpectAsync(await auditor.GetAsync($"access/requests/{pending}"), HttpStatusCode.OK);

        var ids = all.EnumerateArray().Select(r => r.Id()).ToList();
        Assert.Contains(pending, ids);
        Assert.Contains(granted, ids);
        Assert.Equal(alice.User, one.GetProperty("requester").GetString());
        await AccessHttp.AssertErrorAsync(
            await AccessHttp.PostAsync(auditor, "access/requests", """{"route":"orders-admin","reason":"x"}"""), HttpStatusCode.Forbidden, "access_forbidden");
        await AccessHttp.AssertErrorAsync(await AccessHttp.PostAsync(auditor, $"access/requests/{pending}/approve", null), HttpStatusCode.Forbidden, "access_forbidden");
        await AccessHttp.AssertErrorAsync(await AccessHttp.PostAsync(auditor, $"access/requests/{granted}/code", null), HttpStatusCode.Forbidden, "access_forbidden");
        using var ops = AccessHttp.Client(Gateway, apiKey: GatewayInstance.ApiKeys["ops"].Key);
        await AccessHttp.AssertErrorAsync(
            await AccessHttp.PostAsync(ops, "access/requests", """{"route":"orders-admin","reason":"x"}"""), HttpStatusCode.Forbidden, "access_forbidden");
    }

    [Fact]
    public async Task A_request_is_read_by_its_requester_and_its_approvers_and_is_404_to_anyone_else()
    {
        var alice = Engineer();
        var id = (await AccessHttp.CreatedAsync(Gateway, alice, new { route = "orders-admin", reason = "x" })).Id();

        Assert.Equal(id, (await AccessHttp.ReadAsync(Gateway, alice, id)).Id());
        Assert.Equal(id, (await AccessHttp.ReadAsync(Gateway, Carol(), id)).Id());
        Assert.Equal(id, (await AccessHttp.ReadAsync(Gateway, Sre(), id)).Id());
        foreach (var stranger in new[] { Engineer("eve"), Person.New("nobody"), Person.New("exports-only", "sre-exports") })
        {
            using var response = await AccessHttp.GetAsync(Gateway, stranger, $"access/requests/{id}");
            var problem = await LatchHttp.AssertProblemAsync(response, HttpStatusCode.NotFound);
            Assert.DoesNotContain(alice.User, problem.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_access_api_is_not_served_on_the_proxy_endpoint()
    {
        var alice = Engineer();
        using var proxy = Gateway.CreateProxyClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "access/requests")
        {
            Content = new StringContent("""{"route":"orders-admin","reason":"x"}""", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", alice.Token);

        using var response = await proxy.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        using var mine = await AccessHttp.GetAsync(Gateway, alice, "access/requests?mine=true");
        Assert.Equal(0, (await AccessHttp.ExpectAsync(mine, HttpStatusCode.OK)).GetArrayLength());
    }

    private static string? TokenFor(string kind)
    {
        var now = DateTime.UtcNow;
        var alice = new Dictionary<string, object> { ["sub"] = "alice", ["groups"] = new[] { "engineering", "sre" } };
        return kind switch
        {
            "none" => null,
            "signed by another key" => TestJwt.Mint(alice, key: TestJwt.OtherKey),
            "expired" => TestJwt.Mint(alice, notBefore: now.AddMinutes(-30), expires: now.AddMinutes(-10)),
            "another audience" => TestJwt.Mint(alice, audience: "not-latch"),
            "garbage" => "not.a.jwt",
            "no sub" => TestJwt.Mint(new Dictionary<string, object> { ["groups"] = new[] { "engineering", "sre" } }),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
    }
}
