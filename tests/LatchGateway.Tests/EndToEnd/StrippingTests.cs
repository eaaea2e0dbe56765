using System.Net;
using LatchGateway.Tests.Infrastructure;

namespace LatchGateway.Tests.EndToEnd;

/// <summary>What reaches the backend: never the code, never a client-sent X-Latch-* header, everything else intact.</summary>
public abstract class StrippingTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : GatewayFixture
{
    private GatewayInstance Gateway => fixture.Gateway;

    [Fact]
    public async Task Code_in_the_header_is_accepted_and_not_forwarded()
    {
        var code = await Gateway.IssueAsync();

        var received = await ForwardAsync(LatchHttp.UniquePath(), "", code.Code);

        Assert.False(received.Headers.ContainsKey("X-Latch-Code"));
        AssertReceivedAsLatched(received, code);
    }

    [Fact]
    public async Task Code_in_the_query_is_accepted_and_removed_leaving_other_parameters_byte_identical()
    {
        var code = await Gateway.IssueAsync();

        var received = await ForwardAsync(LatchHttp.UniquePath(), $"?a=b+c&latch_code={code.Code}&z=%2F1", code: null);

        Assert.Equal("?a=b+c&z=%2F1", received.Query);
        AssertReceivedAsLatched(received, code);
    }

    [Theory]
    [InlineData("?latch_code={0}", "")]
    [InlineData("?latch_code={0}&x=1", "?x=1")]
    [InlineData("?x=%2B%20b&y=&latch_code={0}", "?x=%2B%20b&y=")]
    [InlineData("?LATCH_CODE={0}&x=1", "?x=1")]
    [InlineData("?latch%5Fcode={0}&x=1", "?x=1")]
    [InlineData("?x=1&latch_code={0}&latch_code=ZZZZZ-ZZZZZ", "?x=1")]
    public async Task Every_form_of_the_latch_code_parameter_is_removed(string queryFormat, string expected)
    {
        var code = await Gateway.IssueAsync();
        var query = string.Format(System.Globalization.CultureInfo.InvariantCulture, queryFormat, code.Code);

        var received = await ForwardAsync(LatchHttp.UniquePath(), query, code: null);

        Assert.Equal(expected, received.Query);
        AssertReceivedAsLatched(received, code);
    }

    [Fact]
    public async Task Code_under_a_percent_encoded_parameter_name_is_accepted_and_removed()
    {
        var code = await Gateway.IssueAsync();
        var path = LatchHttp.UniquePath();

        // Sent as written: HttpClient would decode %6C to 'l' before sending.
        var response = await RawHttp.GetAsync(Gateway.ProxyAddress, $"{path}?%6Catch%5Fcode={code.Code}&x=%2F1");

        Assert.Equal(200, RawHttp.StatusOf(response));
        var received = Assert.Single(fixture.Backend.ReceivedUnder(path));
        Assert.Equal("?x=%2F1", received.Query);
        AssertReceivedAsLatched(received, code);
    }

    [Fact]
    public async Task Header_and_query_together_are_both_removed()
    {
        var code = await Gateway.IssueAsync();
        var decoy = LatchHttp.RandomCode();

        var received = await ForwardAsync(LatchHttp.UniquePath(), $"?latch_code={decoy}&k=v", code.Code);

        Assert.Equal("?k=v", received.Query);
        Assert.DoesNotContain(LatchHttp.Normalised(decoy), Flatten(received), StringComparison.OrdinalIgnoreCase);
        AssertReceivedAsLatched(received, code);
    }

    [Fact]
    public async Task Client_sent_X_Latch_headers_are_removed_and_X_Latch_Id_is_the_issued_id()
    {
        var code = await Gateway.IssueAsync();

        var received = await ForwardAsync(
            LatchHttp.UniquePath(), "", code.Code, ("X-Latch-Id", "forged"), ("X-Latch-Foo", "bar"), ("x-latch-lower", "baz"), ("X-Other", "kept"));

        Assert.Equal(code.Id, received.Headers["X-Latch-Id"]);
        Assert.False(received.Headers.ContainsKey("X-Latch-Foo"));
        Assert.False(received.Headers.ContainsKey("X-Latch-Lower"));
        Assert.Equal("kept", received.Headers["X-Other"]);
        Assert.DoesNotContain("forged", Flatten(received), StringComparison.Ordinal);
        AssertReceivedAsLatched(received, code);
    }

    [Fact]
    public async Task On_an_unlatched_route_X_Latch_headers_and_the_latch_code_parameter_are_removed_too()
    {
        var code = await Gateway.IssueAsync();
        var path = LatchHttp.UniquePath("/public/");

        var received = await ForwardAsync(
            path, $"?a=b+c&latch_code={code.Code}&z=%2F1", code.Code, ("X-Latch-Id", "forged"), ("X-Latch-Foo", "bar"), ("X-Other", "kept"));

        Assert.Equal("?a=b+c&z=%2F1", received.Query);
        Assert.DoesNotContain(received.Headers.Keys, h => h.StartsWith("X-Latch-", StringComparison.OrdinalIgnoreCase));
        Assert.Equal("kept", received.Headers["X-Other"]);
        AssertNoCode(received, code);
    }

    [Fact]
    public async Task Unlatched_route_forwards_a_query_without_latch_code_unchanged()
    {
        var path = LatchHttp.UniquePath("/public/");

        var received = await ForwardAsync(path, "?a=b+c&z=%2F1&e=&=x&%25=%26", code: null);

        Assert.Equal("?a=b+c&z=%2F1&e=&=x&%25=%26", received.Query);
    }

    /// <summary>Sends a GET through the proxy, asserts 200, and returns what the backend received.</summary>
    private async Task<ReceivedRequest> ForwardAsync(string path, string query, string? code, params (string Name, string Value)[] headers)
    {
        using var proxy = Gateway.CreateProxyClient();
        using var response = await proxy.GetWithCodeAsync(path + query, code, headers);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        var received = Assert.Single(fixture.Backend.ReceivedUnder(path));
        Assert.Equal(path, received.Path);
        return received;
    }

    private static void AssertReceivedAsLatched(ReceivedRequest received, IssuedCode code)
    {
        Assert.True(received.Headers.TryGetValue("X-Latch-Id", out var id), "X-Latch-Id missing");
        Assert.Equal(code.Id, id);
        Assert.DoesNotContain(received.Headers.Keys, h => h.StartsWith("X-Latch-", StringComparison.OrdinalIgnoreCase) && !h.Equals("X-Latch-Id", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain("latch_code", received.Query, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("latch%5Fcode", received.Query, StringComparison.OrdinalIgnoreCase);
        AssertNoCode(received, code);
    }

    private static void AssertNoCode(ReceivedRequest received, IssuedCode code)
    {
        var everything = Flatten(received);
        Assert.DoesNotContain(code.Code, everything, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(LatchHttp.Normalised(code.Code), everything, StringComparison.OrdinalIgnoreCase);
    }

    private static string Flatten(ReceivedRequest received) =>
        $"{received.Path}\n{received.Query}\n{string.Join("\n", received.Headers.Select(h => $"{h.Key}: {h.Value}"))}";
}

public sealed class StrippingTestsOnMemory(MemoryGatewayFixture fixture) : StrippingTests<MemoryGatewayFixture>(fixture);

public sealed class StrippingTestsOnRedis(RedisGatewayFixture fixture) : StrippingTests<RedisGatewayFixture>(fixture);
