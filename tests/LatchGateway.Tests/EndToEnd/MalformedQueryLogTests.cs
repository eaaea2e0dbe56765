using System.Net;
using LatchGateway.Tests.Infrastructure;

namespace LatchGateway.Tests.EndToEnd;

/// <summary>
/// A malformed <c>latch_code</c> value (<c>?latch_code=;CODE</c>) is refused without consuming the code, so the
/// code is still live: ASP.NET Core's and YARP's Information lines (<c>Request starting GET …</c>,
/// <c>Proxying to …</c>) must mask it all the same, and a <c>latch_code</c> after a <c>;</c> as well.
/// </summary>
public sealed class MalformedQueryLogTests : IAsyncLifetime
{
    private TestBackend _backend = null!;
    private GatewayInstance _gateway = null!;

    public async Task InitializeAsync()
    {
        _backend = await TestBackend.StartAsync();
        _gateway = await GatewayInstance.StartAsync(_backend, GatewayFixture.NoLockout);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _backend.DisposeAsync();
    }

    [Theory]
    [InlineData("?latch_code=;{0}")]
    [InlineData("?latch_code=;{0}&b=1")]
    [InlineData("?latch_code=={0}")]
    [InlineData("?latch_code=%3B{0}")]
    [InlineData("?LATCH%5FCODE=;{0}&b=1")]
    public async Task A_live_code_behind_a_malformed_value_appears_in_no_Information_log_line(string queryFormat)
    {
        var code = await _gateway.IssueAsync();
        var path = LatchHttp.UniquePath();
        using var proxy = _gateway.CreateProxyClient();

        var refused = await RawHttp.GetAsync(_gateway.ProxyAddress, path + Format(queryFormat, code.Code));
        using var accepted = await proxy.GetWithCodeAsync(LatchHttp.UniquePath(), code.Code);

        Assert.Equal(403, RawHttp.StatusOf(refused));
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        var lines = await RequestLinesAsync(path);
        Assert.Contains(lines, l => l.Contains("Request starting", StringComparison.Ordinal) && l.Contains("=[redacted]", StringComparison.Ordinal));
        AssertNoCodeLogged(code.Code);
    }

    [Fact]
    public async Task A_code_after_a_semicolon_appears_in_no_log_line_on_latched_and_open_routes()
    {
        var code = await _gateway.IssueAsync();
        var latchedPath = LatchHttp.UniquePath();
        var openPath = LatchHttp.UniquePath("/public/");
        using var proxy = _gateway.CreateProxyClient();

        using var latched = await proxy.GetAsync($"{latchedPath.TrimStart('/')}?a=1;latch_code={code.Code}");
        using var open = await proxy.GetAsync($"{openPath.TrimStart('/')}?a=1;latch_code={code.Code}&b=2");

        Assert.Equal(HttpStatusCode.Unauthorized, latched.StatusCode);
        Assert.Equal(HttpStatusCode.OK, open.StatusCode);
        await RequestLinesAsync(latchedPath);
        var proxied = await RequestLinesAsync(openPath);
        Assert.Contains(proxied, l => l.Contains("Proxying to", StringComparison.Ordinal) && l.Contains(";latch_code=[redacted]&b=2", StringComparison.Ordinal));
        AssertNoCodeLogged(code.Code);
    }

    private static string Format(string queryFormat, string code) =>
        string.Format(System.Globalization.CultureInfo.InvariantCulture, queryFormat, code);

    /// <summary>The log lines naming <paramref name="path"/>, once the request's start and end are both logged.</summary>
    private async Task<List<string>> RequestLinesAsync(string path)
    {
        List<string> Lines() => [.. _gateway.Logs.Lines.Where(l => l.Contains(path, StringComparison.Ordinal))];
        var logged = await LatchHttp.EventuallyAsync(
            () => Task.FromResult(Lines().Any(l => l.Contains("Request finished", StringComparison.Ordinal))), TimeSpan.FromSeconds(5));
        Assert.True(logged, $"the request on {path} was not logged:\n{_gateway.Logs.All}");
        return Lines();
    }

    private void AssertNoCodeLogged(string code)
    {
        Assert.Contains(_gateway.Logs.Lines, l => l.StartsWith("Information Microsoft.AspNetCore.Hosting", StringComparison.Ordinal));
        foreach (var line in _gateway.Logs.Lines)
        {
            AuditHttp.AssertNoCode(line, code, $"log line \"{line}\"");
        }
    }
}
