using LatchGateway.Identity;
using LatchGateway.Tests.Hosting;
using LatchGateway.Transforms;

namespace LatchGateway.Tests.Transforms;

public sealed class LatchRequestScrubberTests : IDisposable
{
    private readonly TestSettings<LatchIdentityOptions> _identity = new(new LatchIdentityOptions { Header = "X-Forwarded-User" });
    private readonly LatchRequestScrubber _scrubber;

    public LatchRequestScrubberTests() => _scrubber = new LatchRequestScrubber(_identity);

    public void Dispose() => _identity.Dispose();

    [Fact]
    public async Task Removes_every_client_sent_X_Latch_header()
    {
        var context = TransformContexts.Get(query: "?a=1");
        context.ProxyRequest.Headers.TryAddWithoutValidation("X-Latch-Code", "ABCDE-12345");
        context.ProxyRequest.Headers.TryAddWithoutValidation("x-latch-id", "forged");
        context.ProxyRequest.Headers.TryAddWithoutValidation("X-LATCH-Anything", "x");
        context.ProxyRequest.Headers.TryAddWithoutValidation("X-Latchy", "kept");
        context.ProxyRequest.Headers.TryAddWithoutValidation("X-Other", "kept");

        await _scrubber.ApplyAsync(context);

        var names = context.ProxyRequest.Headers.NonValidated.Select(h => h.Key).Order(StringComparer.OrdinalIgnoreCase);
        Assert.Equal(["X-Latchy", "X-Other"], names);
    }

    [Fact]
    public async Task Removes_X_Latch_headers_spelled_with_underscores_as_a_CGI_backend_would_read_them()
    {
        var context = TransformContexts.Get(query: "");
        foreach (var name in new[] { "X_Latch_Id", "x_latch-code", "X-LATCH_SESSION", "x_LATCH_", "X_Latchy", "X_Other", "XLatch-Id" })
        {
            context.ProxyRequest.Headers.TryAddWithoutValidation(name, "v");
        }

        await _scrubber.ApplyAsync(context);

        var names = context.ProxyRequest.Headers.NonValidated.Select(h => h.Key).Order(StringComparer.OrdinalIgnoreCase);
        Assert.Equal(["XLatch-Id", "X_Latchy", "X_Other"], names);
    }

    [Fact]
    public async Task Removes_other_spellings_of_the_identity_header_and_leaves_its_configured_name_to_the_identity_filter()
    {
        var context = TransformContexts.Get(query: "");
        foreach (var name in new[] { "X_Forwarded_User", "x-forwarded_user", "X_FORWARDED-USER", "X-Forwarded-Users", "X-Forwarded-For" })
        {
            context.ProxyRequest.Headers.TryAddWithoutValidation(name, "mallory");
        }

        context.ProxyRequest.Headers.TryAddWithoutValidation("x-forwarded-user", "alice");

        await _scrubber.ApplyAsync(context);

        var names = context.ProxyRequest.Headers.NonValidated.Select(h => h.Key).Order(StringComparer.OrdinalIgnoreCase);
        Assert.Equal(["X-Forwarded-For", "x-forwarded-user", "X-Forwarded-Users"], names);
        Assert.Equal(["alice"], context.ProxyRequest.Headers.GetValues("X-Forwarded-User"));
    }

    [Fact]
    public async Task Follows_a_reload_of_the_identity_header()
    {
        _identity.Set(new LatchIdentityOptions { Header = "X-Remote-User" });
        var context = TransformContexts.Get(query: "");
        context.ProxyRequest.Headers.TryAddWithoutValidation("X_Forwarded_User", "kept");
        context.ProxyRequest.Headers.TryAddWithoutValidation("X_Remote_User", "mallory");

        await _scrubber.ApplyAsync(context);

        Assert.Equal(["X_Forwarded_User"], context.ProxyRequest.Headers.NonValidated.Select(h => h.Key));
    }

    [Theory]
    [InlineData("X-Latch-Id", null, true)]
    [InlineData("X_Latch_Id", null, true)]
    [InlineData("x_latch-code", null, true)]
    [InlineData("X-Latch", null, false)]
    [InlineData("X-Latchkey", null, false)]
    [InlineData("X_Forwarded_User", null, false)]
    [InlineData("X_Forwarded_User", "X-Forwarded-User", true)]
    [InlineData("X-FORWARDED-USER", "X-Forwarded-User", false)]
    [InlineData("X-Forwarded-User", "X_Auth_User", false)]
    [InlineData("X-Auth-User", "X_Auth_User", true)]
    [InlineData("x_auth_user", "X_Auth_User", false)]
    public void Reads_header_names_as_a_CGI_backend_does(string name, string? identityHeader, bool reserved) =>
        Assert.Equal(reserved, LatchRequestScrubber.IsReserved(name, identityHeader));

    [Theory]
    [InlineData("?a=b+c&latch_code=ABCDE-12345&z=%2F1", "?a=b+c&z=%2F1")]
    [InlineData("?LATCH_CODE=ABCDE-12345", "")]
    [InlineData("?latch%5Fcode=ABCDE-12345&a=1", "?a=1")]
    [InlineData("?latch_code=A&latch_code=B&a=1", "?a=1")]
    public async Task Removes_the_latch_code_query_parameter(string query, string expected)
    {
        var context = TransformContexts.Get(query: query);

        await _scrubber.ApplyAsync(context);

        Assert.Equal(expected, context.Query.QueryString.Value ?? "");
    }

    [Theory]
    [InlineData("")]
    [InlineData("?a=1&b=%2F")]
    [InlineData("?a=latch_code")]
    public async Task Leaves_other_queries_alone(string query)
    {
        var context = TransformContexts.Get(query: query);
        var before = context.Query;

        await _scrubber.ApplyAsync(context);

        Assert.Same(before, context.Query);
        Assert.Equal(query, context.Query.QueryString.Value ?? "");
    }
}
