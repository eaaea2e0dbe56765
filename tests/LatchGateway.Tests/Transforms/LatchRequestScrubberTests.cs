using LatchGateway.Transforms;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Transforms;

namespace LatchGateway.Tests.Transforms;

public sealed class LatchRequestScrubberTests
{
    [Fact]
    public async Task Removes_every_client_sent_X_Latch_header()
    {
        var context = NewContext("?a=1");
        context.ProxyRequest.Headers.TryAddWithoutValidation("X-Latch-Code", "ABCDE-12345");
        context.ProxyRequest.Headers.TryAddWithoutValidation("x-latch-id", "forged");
        context.ProxyRequest.Headers.TryAddWithoutValidation("X-LATCH-Anything", "x");
        context.ProxyRequest.Headers.TryAddWithoutValidation("X-Latchy", "kept");
        context.ProxyRequest.Headers.TryAddWithoutValidation("X-Other", "kept");

        await LatchRequestScrubber.Instance.ApplyAsync(context);

        var names = context.ProxyRequest.Headers.NonValidated.Select(h => h.Key).Order(StringComparer.OrdinalIgnoreCase);
        Assert.Equal(["X-Latchy", "X-Other"], names);
    }

    [Theory]
    [InlineData("?a=b+c&latch_code=ABCDE-12345&z=%2F1", "?a=b+c&z=%2F1")]
    [InlineData("?LATCH_CODE=ABCDE-12345", "")]
    [InlineData("?latch%5Fcode=ABCDE-12345&a=1", "?a=1")]
    [InlineData("?latch_code=A&latch_code=B&a=1", "?a=1")]
    public async Task Removes_the_latch_code_query_parameter(string query, string expected)
    {
        var context = NewContext(query);

        await LatchRequestScrubber.Instance.ApplyAsync(context);

        Assert.Equal(expected, context.Query.QueryString.Value ?? "");
    }

    [Theory]
    [InlineData("")]
    [InlineData("?a=1&b=%2F")]
    [InlineData("?a=latch_code")]
    public async Task Leaves_other_queries_alone(string query)
    {
        var context = NewContext(query);
        var before = context.Query;

        await LatchRequestScrubber.Instance.ApplyAsync(context);

        Assert.Same(before, context.Query);
        Assert.Equal(query, context.Query.QueryString.Value ?? "");
    }

    private static RequestTransformContext NewContext(string query)
    {
        var http = new DefaultHttpContext();
        http.Request.Method = "GET";
        http.Request.Path = "/orders/admin/x";
        http.Request.QueryString = new QueryString(query);
        return new RequestTransformContext
        {
            HttpContext = http,
            ProxyRequest = new HttpRequestMessage(HttpMethod.Get, "http://backend/"),
            Path = http.Request.Path,
            Query = new QueryTransformContext(http.Request),
            DestinationPrefix = "http://backend/",
            HeadersCopied = true,
        };
    }
}
