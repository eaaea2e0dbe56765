using System.Net;
using LatchGateway.Tests.Infrastructure;

namespace LatchGateway.Tests.EndToEnd;

/// <summary>The outcome table of a latched route, row by row, as a client and the backend see it.</summary>
public abstract class OutcomeTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : GatewayFixture
{
    private GatewayInstance Gateway => fixture.Gateway;

    private TestBackend Backend => fixture.Backend;

    [Fact]
    public async Task No_code_is_401_latch_required_with_WWW_Authenticate_and_no_store()
    {
        var path = LatchHttp.UniquePath();
        using var proxy = Gateway.CreateProxyClient();

        using var response = await proxy.GetWithCodeAsync(path, code: null);

        var problem = await LatchHttp.AssertProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal("latch_required", problem.GetProperty("error").GetString());
        Assert.Equal(401, problem.GetProperty("status").GetInt32());
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Latch");
        Assert.True(LatchHttp.IsNoStore(response), "Cache-Control: no-store missing");
        Assert.Empty(Backend.ReceivedUnder(path));
    }

    [Fact]
    public async Task Empty_code_header_and_empty_query_parameter_count_as_no_code()
    {
        var path = LatchHttp.UniquePath();
        using var proxy = Gateway.CreateProxyClient();

        using var header = await proxy.GetWithCodeAsync(path, code: "");
        using var query = await proxy.GetWithCodeAsync(path + "?latch_code=", code: null);

        Assert.Equal("latch_required", (await LatchHttp.AssertProblemAsync(header, HttpStatusCode.Unauthorized)).GetProperty("error").GetString());
        Assert.Equal("latch_required", (await LatchHttp.AssertProblemAsync(query, HttpStatusCode.Unauthorized)).GetProperty("error").GetString());
        Assert.Empty(Backend.ReceivedUnder(path));
    }

    [Fact]
    public async Task Valid_code_is_forwarded_and_the_backend_receives_it_once()
    {
        var code = await Gateway.IssueAsync();
        var path = LatchHttp.UniquePath();
        using var proxy = Gateway.CreateProxyClient();

        using var response = await proxy.GetWithCodeAsync(path, code.Code);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($"backend:{path}", await response.Content.ReadAsStringAsync());
        var received = Assert.Single(Backend.ReceivedUnder(path));
        Assert.Equal("GET", received.Method);
    }

    [Fact]
    public async Task Unknown_code_is_refused()
    {
        await AssertRefusedAsync(LatchHttp.RandomCode());
    }

    [Theory]
    [InlineData("ABCDU-12345")]
    [InlineData("ABCD!-12345")]
    [InlineData("ABCDE_12345")]
    public async Task Malformed_code_is_refused_like_any_other(string malformed)
    {
        await AssertRefusedAsync(malformed);
    }

    [Theory]
    [InlineData("ABCDE-1234%C3%A9")]
    [InlineData("ABCDE-1234%00")]
    [InlineData("%FF%FE")]
    [InlineData("ABCDE%0A12345")]
    public async Task Malformed_code_in_the_query_is_refused_like_any_other(string escaped)
    {
        using var proxy = Gateway.CreateProxyClient();
        var path = LatchHttp.UniquePath();
        using var reference = await proxy.GetWithCodeAsync(LatchHttp.UniquePath(), LatchHttp.RandomCode());

        using var response = await proxy.GetWithCodeAsync($"{path}?latch_code={escaped}", code: null);

        Assert.Equal("latch_invalid", (await LatchHttp.AssertProblemAsync(response, HttpStatusCode.Forbidden)).GetProperty("error").GetString());
        Assert.Equal(await reference.Content.ReadAsByteArrayAsync(), await response.Content.ReadAsByteArrayAsync());
        Assert.Empty(Backend.ReceivedUnder(path));
    }

    [Fact]
    public async Task Code_longer_than_any_code_is_refused_like_any_other()
    {
        await AssertRefusedAsync(new string('A', 5000));
    }

    [Fact]
    public async Task Already_used_code_is_refused()
    {
        var code = await Gateway.IssueAsync();
        using var proxy = Gateway.CreateProxyClient();
        using (var first = await proxy.GetWithCodeAsync(LatchHttp.UniquePath(), code.Code))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        await AssertRefusedAsync(code.Code);
    }

    [Fact]
    public async Task Revoked_code_is_refused()
    {
        var code = await Gateway.IssueAsync();
        using var admin = Gateway.CreateAdminClient();
        using (var revoked = await admin.DeleteAsync($"admin/codes/{code.Id}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        }

        await AssertRefusedAsync(code.Code);
    }

    [Fact]
    public async Task Code_for_another_route_is_refused()
    {
        var code = await Gateway.IssueAsync(route: "exports");

        await AssertRefusedAsync(code.Code);
    }

    [Theory]
    [InlineData("203.0.113.7")]
    [InlineData("10.0.0.0/8")]
    [InlineData("::1")]
    public async Task Code_bound_to_another_ip_is_refused(string ip)
    {
        var code = await Gateway.IssueAsync(ip: ip);

        await AssertRefusedAsync(code.Code);
    }

    [Fact]
    public async Task Code_bound_to_another_ip_is_refused_even_when_the_client_claims_that_ip_in_X_Forwarded_For()
    {
        var code = await Gateway.IssueAsync(ip: "203.0.113.7");

        await AssertRefusedAsync(code.Code, ("X-Forwarded-For", "203.0.113.7"), ("Forwarded", "for=203.0.113.7"));
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.0/8")]
    [InlineData("::ffff:127.0.0.1")]
    public async Task Code_bound_to_the_clients_ip_or_range_is_accepted(string ip)
    {
        var code = await Gateway.IssueAsync(ip: ip);
        var path = LatchHttp.UniquePath();
        using var proxy = Gateway.CreateProxyClient();

        using var response = await proxy.GetWithCodeAsync(path, code.Code);

        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        Assert.Single(Backend.ReceivedUnder(path));
    }

    [Fact]
    public async Task Code_bound_to_a_user_is_refused_without_that_authenticated_user()
    {
        var code = await Gateway.IssueAsync(user: "alice");

        await AssertRefusedAsync(code.Code);
    }

    [Fact]
    public async Task Code_bound_to_a_user_is_refused_when_the_client_merely_claims_the_user_in_a_header()
    {
        var code = await Gateway.IssueAsync(user: "alice");

        await AssertRefusedAsync(code.Code, ("X-Forwarded-User", "alice"), ("X-User", "alice"));
    }

    [Fact]
    public async Task Expired_code_is_refused()
    {
        // A gateway of its own: on the memory store its clock is advanced past the code's lifetime.
        await using var gateway = await fixture.StartTimedGatewayAsync();
        var code = await gateway.IssueAsync(ttlSeconds: 1);

        await gateway.ExpireAsync(code);

        await AssertRefusedAsync(gateway, code.Code);
    }

    /// <summary>
    /// Presents <paramref name="code"/> on a fresh path and asserts a 403 <c>latch_invalid</c> whose body and headers
    /// are byte-identical to those for a never-issued code (no oracle), and that the backend saw nothing.
    /// </summary>
    private Task AssertRefusedAsync(string code, params (string Name, string Value)[] headers) => AssertRefusedAsync(Gateway, code, headers);

    private async Task AssertRefusedAsync(GatewayInstance gateway, string code, params (string Name, string Value)[] headers)
    {
        using var proxy = gateway.CreateProxyClient();
        var path = LatchHttp.UniquePath();
        using var reference = await proxy.GetWithCodeAsync(LatchHttp.UniquePath(), LatchHttp.RandomCode());
        var referenceBody = await reference.Content.ReadAsByteArrayAsync();

        using var response = await proxy.GetWithCodeAsync(path, code, headers);

        var problem = await LatchHttp.AssertProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Equal("latch_invalid", problem.GetProperty("error").GetString());
        Assert.Equal(403, problem.GetProperty("status").GetInt32());
        Assert.True(LatchHttp.IsNoStore(response), "Cache-Control: no-store missing");
        Assert.False(response.Headers.Contains("WWW-Authenticate"));
        Assert.Equal(referenceBody, await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(HeadersOf(reference), HeadersOf(response));
        Assert.Empty(Backend.ReceivedUnder(path));
    }

    private static string HeadersOf(HttpResponseMessage response) => string.Join(
        "\n",
        response.Headers.NonValidated.Concat(response.Content.Headers.NonValidated)
            .Where(h => !h.Key.Equals("Date", StringComparison.OrdinalIgnoreCase))
            .Select(h => $"{h.Key.ToUpperInvariant()}: {string.Join(", ", h.Value)}")
            .Order(StringComparer.Ordinal));
}

public sealed class OutcomeTestsOnMemory(MemoryGatewayFixture fixture) : OutcomeTests<MemoryGatewayFixture>(fixture);

public sealed class OutcomeTestsOnRedis(RedisGatewayFixture fixture) : OutcomeTests<RedisGatewayFixture>(fixture);
