using LatchGateway.Paths;

namespace LatchGateway.Tests.Paths;

public sealed class RequestTargetTests
{
    [Theory]
    [InlineData("/orders/admin/x", "/orders/admin/x")]
    [InlineData("/orders/admin/x?latch_code=ABC&a=/b", "/orders/admin/x")]
    [InlineData("/orders?a=//b/../c", "/orders")]
    [InlineData("/", "/")]
    [InlineData("/orders#x?y", "/orders#x")]
    [InlineData("http://example.com/orders//admin/x?q=1", "/orders//admin/x")]
    [InlineData("https://user@example.com:8443/a;b?q", "/a;b")]
    [InlineData("http://example.com/a#f?q", "/a")]
    [InlineData("http://example.com", "")]
    [InlineData("http://example.com?x=/y", "")]
    [InlineData("http://example.com#/y", "")]
    [InlineData("*", "")]
    [InlineData("example.com:443", "")]
    [InlineData("", "")]
    public void PathOf_gives_the_path_of_every_target_form(string target, string expected)
    {
        Assert.Equal(expected, RequestTarget.PathOf(target).ToString());
    }
}
