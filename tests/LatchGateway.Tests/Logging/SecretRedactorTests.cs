using LatchGateway.Logging;

namespace LatchGateway.Tests.Logging;

public sealed class SecretRedactorTests
{
    [Theory]
    [InlineData("GET /x?latch_code=ABCDE-12345", "GET /x?latch_code=[redacted]")]
    [InlineData("GET /x?latch_code=ABCDE-12345&a=1", "GET /x?latch_code=[redacted]&a=1")]
    [InlineData("GET /x?a=1&LATCH_CODE=ABCDE-12345 HTTP/1.1", "GET /x?a=1&LATCH_CODE=[redacted] HTTP/1.1")]
    [InlineData("/x?latch%5Fcode=ABCDE-12345", "/x?latch%5Fcode=[redacted]")]
    [InlineData("/x?latch%5fcode=ABCDE-12345&b=2", "/x?latch%5fcode=[redacted]&b=2")]
    [InlineData("/x?latch_code=abcde%2D12345#top", "/x?latch_code=[redacted]")]
    [InlineData("?latch_code=A&latch_code=B", "?latch_code=[redacted]&latch_code=[redacted]")]
    public void Masks_codes_carried_in_urls(string text, string expected)
    {
        Assert.True(SecretRedactor.MayContainSecret(text));
        Assert.Equal(expected, SecretRedactor.Redact(text));
    }

    [Theory]
    [InlineData("/x?latch_code=;ABCDE-12345", "/x?latch_code=[redacted]")]
    [InlineData("/x?latch_code=;ABCDE-12345&b=1", "/x?latch_code=[redacted]&b=1")]
    [InlineData("/x?latch_code==ABCDE-12345", "/x?latch_code=[redacted]")]
    [InlineData("/x?latch_code=\"ABCDE-12345\"&b=1", "/x?latch_code=[redacted]&b=1")]
    [InlineData("/x?latch_code=%3BABCDE-12345", "/x?latch_code=[redacted]")]
    [InlineData("/x?latch_code=#ABCDE-12345", "/x?latch_code=[redacted]")]
    [InlineData("/x?latch_code=a;b=c;ABCDE-12345&b=1", "/x?latch_code=[redacted]&b=1")]
    [InlineData("/x?LATCH%5FCODE=;ABCDE-12345&b=1", "/x?LATCH%5FCODE=[redacted]&b=1")]
    [InlineData("/x?a=1;latch_code=ABCDE-12345", "/x?a=1;latch_code=[redacted]")]
    [InlineData("/x?a=1;latch_code=ABCDE-12345&b=2", "/x?a=1;latch_code=[redacted]&b=2")]
    [InlineData("/x;latch_code=ABCDE-12345", "/x;latch_code=[redacted]")]
    [InlineData("/x?a=1&latch_code=;ABCDE-12345&latch%5fcode==ABCDE-12345", "/x?a=1&latch_code=[redacted]&latch%5fcode=[redacted]")]
    [InlineData("Request starting HTTP/1.1 GET http://gw/x?latch_code=;ABCDE-12345 - - -", "Request starting HTTP/1.1 GET http://gw/x?latch_code=[redacted] - - -")]
    public void Masks_the_value_up_to_the_next_ampersand_whatever_it_holds(string text, string expected)
    {
        Assert.True(SecretRedactor.MayContainSecret(text));
        Assert.Equal(expected, SecretRedactor.Redact(text));
    }

    [Theory]
    [InlineData("/x?latch_code=ABCDE+12345")]
    [InlineData("/x?latch_code=ABCDE%2012345")]
    [InlineData("\"/x?latch_code=ABCDE-12345\"")]
    [InlineData("'/x?a=1&latch_code=ABCDE-12345'")]
    [InlineData("/x?%6Catch%5Fcode=ABCDE-12345")]
    [InlineData("Request starting HTTP/1.1 GET http://gw:8080/orders/admin/x?latch_code=ABCDE-12345 - - -")]
    public void Masks_the_whole_code(string text)
    {
        var redacted = SecretRedactor.Redact(text);

        Assert.True(SecretRedactor.MayContainSecret(text));
        Assert.Contains(SecretRedactor.Mask, redacted, StringComparison.Ordinal);
        Assert.DoesNotContain("ABCDE", redacted, StringComparison.Ordinal);
        Assert.DoesNotContain("12345", redacted, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("GET /orders/admin/x?a=1")]
    [InlineData("code=ABCDE-12345")]
    [InlineData("latch_id=ABCDE")]
    [InlineData("the latch code was refused")]
    [InlineData("/x?a=latch_code=ABCDE")]
    [InlineData("/x?xlatch_code=ABCDE&latch_codes=1")]
    [InlineData("/x?latch+code=ABCDE&latch%20code=1&latch%5Gcode=2&latch%C5%BFcode=3")]
    [InlineData("/x?latch%255Fcode=ABCDE&%=1&a%=2")]
    public void Leaves_other_text_alone(string? text)
    {
        Assert.False(SecretRedactor.MayContainSecret(text));
        if (text is not null)
        {
            Assert.Equal(text, SecretRedactor.Redact(text));
        }
    }
}
