using LatchGateway.Transforms;
using Microsoft.AspNetCore.Http;

namespace LatchGateway.Tests.Transforms;

public sealed class PresentedCodeTests
{
    [Fact]
    public void Names_are_those_of_the_contract()
    {
        Assert.Equal("X-Latch-Code", PresentedCode.HeaderName);
        Assert.Equal("latch_code", PresentedCode.QueryName);
        Assert.Equal("X-Latch-Id", PresentedCode.IdHeaderName);
        Assert.Equal("X-Latch-", PresentedCode.ReservedHeaderPrefix);
    }

    [Fact]
    public void Reads_the_header()
    {
        Assert.Equal("ABCDE-12345", PresentedCode.Read(Request(header: "ABCDE-12345")));
    }

    [Theory]
    [InlineData("?latch_code=ABCDE-12345")]
    [InlineData("?a=1&LATCH_CODE=ABCDE-12345")]
    [InlineData("?latch%5Fcode=ABCDE-12345")]
    [InlineData("?latch_code=ABCDE%2D12345")]
    public void Reads_the_query_parameter(string query)
    {
        Assert.Equal("ABCDE-12345", PresentedCode.Read(Request(query: query)));
    }

    [Fact]
    public void Prefers_the_header_to_the_query()
    {
        Assert.Equal("HEADR-11111", PresentedCode.Read(Request(header: "HEADR-11111", query: "?latch_code=QUERY-22222")));
    }

    [Fact]
    public void Falls_back_to_the_query_when_the_header_is_empty()
    {
        Assert.Equal("QUERY-22222", PresentedCode.Read(Request(header: "", query: "?latch_code=QUERY-22222")));
    }

    [Theory]
    [InlineData("")]
    [InlineData("?a=1")]
    [InlineData("?code=ABCDE-12345")]
    [InlineData("?a=latch_code")]
    public void Is_null_without_a_code(string query)
    {
        Assert.Null(PresentedCode.Read(Request(query: query)));
    }

    private static HttpRequest Request(string? header = null, string query = "")
    {
        var context = new DefaultHttpContext();
        context.Request.QueryString = new QueryString(query);
        if (header is not null)
        {
            context.Request.Headers["X-Latch-Code"] = header;
        }

        return context.Request;
    }
}
