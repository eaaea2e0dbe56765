using LatchGateway.Transforms;
using Microsoft.AspNetCore.Http;

namespace LatchGateway.Tests.Transforms;

public sealed class QueryStringFilterTests
{
    [Theory]
    [InlineData("?a=b+c&latch_code=X&z=%2F1", "?a=b+c&z=%2F1")]
    [InlineData("?latch_code=ABCDE-12345&a=1", "?a=1")]
    [InlineData("?a=1&latch_code=ABCDE-12345", "?a=1")]
    [InlineData("?LATCH_CODE=X&a=1", "?a=1")]
    [InlineData("?Latch_Code=X&a=1", "?a=1")]
    [InlineData("?latch%5Fcode=X&a=1", "?a=1")]
    [InlineData("?latch%5fcode=X&a=1", "?a=1")]
    [InlineData("?%6Catch_code=X&a=1", "?a=1")]
    [InlineData("?latch_code=X&a=1&latch_code=Y&b=2&LATCH_CODE=Z", "?a=1&b=2")]
    [InlineData("?latch_code&a=1", "?a=1")]
    [InlineData("?latch_code=&a=1", "?a=1")]
    [InlineData("?a=1&latch_code", "?a=1")]
    public void Removes_every_latch_code_parameter(string query, string expected)
    {
        Assert.Equal(expected, QueryStringFilter.Remove(new QueryString(query), "latch_code").Value);
    }

    [Theory]
    [InlineData("?a=b+c&z=%2F1")]
    [InlineData("?z=1&a=2&m=3")]
    [InlineData("?a=latch_code&latch_codes=1&xlatch_code=2&latch-code=3")]
    [InlineData("?q=%E2%82%AC&r=%zz&s=a%20b&t=a=b=c")]
    [InlineData("?flag&empty=&x=1")]
    public void Keeps_every_other_parameter_byte_identical_and_in_order(string query)
    {
        Assert.Equal(query, QueryStringFilter.Remove(new QueryString(query), "latch_code").Value);
    }

    [Fact]
    public void Keeps_other_parameters_byte_identical_around_removed_ones()
    {
        var result = QueryStringFilter.Remove(new QueryString("?q=%E2%82%AC&latch_code=X&r=a+b%2B&latch%5Fcode=Y&s=%7e"), "latch_code");

        Assert.Equal("?q=%E2%82%AC&r=a+b%2B&s=%7e", result.Value);
    }

    [Theory]
    [InlineData("?latch_code=X")]
    [InlineData("?latch_code")]
    [InlineData("?latch_code=X&LATCH_CODE=Y")]
    [InlineData("?latch_code=X&&")]
    public void Returns_empty_when_nothing_remains(string query)
    {
        var result = QueryStringFilter.Remove(new QueryString(query), "latch_code");

        Assert.False(result.HasValue);
        Assert.Equal(QueryString.Empty, result);
    }

    [Fact]
    public void Leaves_an_empty_query_alone()
    {
        Assert.Equal(QueryString.Empty, QueryStringFilter.Remove(QueryString.Empty, "latch_code"));
    }
}
