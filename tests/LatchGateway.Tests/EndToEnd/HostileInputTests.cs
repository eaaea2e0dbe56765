using System.Net;
using System.Text;
using LatchGateway.Tests.Infrastructure;

namespace LatchGateway.Tests.EndToEnd;

/// <summary>Oversized requests get Kestrel's and the admin API's limits (431, 414, 413), never a 5xx.</summary>
public sealed class HostileInputTests(MemoryGatewayFixture fixture) : IClassFixture<MemoryGatewayFixture>
{
    private GatewayInstance Gateway => fixture.Gateway;

    public static TheoryData<string> Endpoints => new() { "proxy", "admin" };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task A_header_section_over_Kestrels_limit_is_431(string endpoint)
    {
        var server = endpoint == "proxy" ? Gateway.ProxyAddress : Gateway.AdminAddress;
        var target = endpoint == "proxy" ? LatchHttp.UniquePath() : "/admin/routes";

        var response = await RawExchange.SendAsync(server, RawExchange.Head(server, "GET", target, $"X-Filler: {new string('a', 40 * 1024)}"));

        Assert.Equal(431, RawHttp.StatusOf(response));
    }

    [Fact]
    public async Task More_headers_than_Kestrels_limit_is_431()
    {
        var lines = Enumerable.Range(0, 150).Select(i => $"X-Filler-{i}: {i}").ToArray();

        var response = await RawExchange.SendAsync(Gateway.ProxyAddress, RawExchange.Head(Gateway.ProxyAddress, "GET", LatchHttp.UniquePath(), lines));

        Assert.Equal(431, RawHttp.StatusOf(response));
    }

    [Fact]
    public async Task A_code_header_over_Kestrels_limit_is_431_and_reaches_nothing()
    {
        var code = new string('A', 40 * 1024);
        var path = LatchHttp.UniquePath();

        var response = await RawExchange.SendAsync(Gateway.ProxyAddress, RawExchange.Head(Gateway.ProxyAddress, "GET", path, $"X-Latch-Code: {code}"));

        Assert.Equal(431, RawHttp.StatusOf(response));
        Assert.DoesNotContain(code[..64], response, StringComparison.Ordinal);
        Assert.Empty(fixture.Backend.ReceivedUnder(path));
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task A_request_line_over_Kestrels_limit_is_414(string endpoint)
    {
        var server = endpoint == "proxy" ? Gateway.ProxyAddress : Gateway.AdminAddress;
        var target = (endpoint == "proxy" ? LatchHttp.UniquePath() : "/admin/audit") + "?latch_code=" + new string('A', 10 * 1024);

        var response = await RawExchange.SendAsync(server, RawExchange.Head(server, "GET", target));

        Assert.Equal(414, RawHttp.StatusOf(response));
        Assert.DoesNotContain(new string('A', 64), response, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_long_code_within_the_limits_is_an_ordinary_refusal()
    {
        var code = new string('A', 6000);
        var path = LatchHttp.UniquePath();
        using var proxy = Gateway.CreateProxyClient();

        using var viaHeader = await proxy.PresentAsync(path, code);
        using var viaQuery = await proxy.GetAsync($"{path.TrimStart('/')}?latch_code={code}");

        foreach (var response in new[] { viaHeader, viaQuery })
        {
            var problem = await LatchHttp.AssertProblemAsync(response, HttpStatusCode.Forbidden);
            Assert.Equal("latch_invalid", problem.GetProperty("error").GetString());
        }

        Assert.Empty(fixture.Backend.ReceivedUnder(path));
    }

    [Theory]
    [InlineData(16 * 1024 + 1, true)]
    [InlineData(64 * 1024, true)]
    [InlineData(64 * 1024, false)]
    public async Task An_admin_body_over_16_KiB_is_413_problem(int size, bool withContentLength)
    {
        var body = Encoding.UTF8.GetBytes($$"""{"route":"orders-admin","reason":"{{new string('r', size)}}"}""");
        using var admin = Gateway.CreateAdminClient();
        using HttpContent content = withContentLength ? new ByteArrayContent(body) : new StreamContent(new UnknownLengthStream(body));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");

        using var response = await admin.PostAsync("admin/codes", content);

        await LatchHttp.AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task An_admin_body_of_exactly_16_KiB_is_read()
    {
        var prefix = """{"route":"orders-admin","user":"alice","reason":" """.TrimEnd();
        var body = prefix + new string('r', 16 * 1024 - prefix.Length - 2) + "\"}";
        Assert.Equal(16 * 1024, Encoding.UTF8.GetByteCount(body));
        using var admin = Gateway.CreateAdminClient();
        using var content = new StringContent(body, Encoding.UTF8, "application/json");

        using var response = await admin.PostAsync("admin/codes", content);

        // Read in full and judged on its fields: the reason is over its own limit.
        var problem = await LatchHttp.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("reason", out _), problem.ToString());
    }

    /// <summary>A body stream that does not tell its length, so the client sends it chunked.</summary>
    private sealed class UnknownLengthStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
