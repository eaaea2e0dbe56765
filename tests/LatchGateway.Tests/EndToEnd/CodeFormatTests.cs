using System.Net;
using LatchGateway.Tests.Infrastructure;

namespace LatchGateway.Tests.EndToEnd;

/// <summary>Codes are Crockford base32: case, dashes and spaces do not matter, I/L read as 1 and O as 0.</summary>
public abstract class CodeFormatTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : GatewayFixture
{
    [Theory]
    [InlineData("lower-case")]
    [InlineData("without dash")]
    [InlineData("spaces")]
    [InlineData("lower-case, no dash, spaces")]
    public async Task Reformatted_code_is_accepted(string variant)
    {
        var code = await fixture.Gateway.IssueAsync();
        var presented = variant switch
        {
            "lower-case" => code.Code.ToLowerInvariant(),
            "without dash" => code.Code.Replace("-", "", StringComparison.Ordinal),
            "spaces" => " " + string.Join(' ', code.Code.ToCharArray()) + " ",
            _ => string.Join("  ", LatchHttp.Normalised(code.Code).ToLowerInvariant().Chunk(3).Select(c => new string(c))),
        };

        await AssertAcceptedAsync(presented);
    }

    [Theory]
    [InlineData('1', 'l')]
    [InlineData('1', 'L')]
    [InlineData('1', 'I')]
    [InlineData('1', 'i')]
    [InlineData('0', 'O')]
    [InlineData('0', 'o')]
    public async Task Look_alike_letters_are_read_as_digits(char digit, char letter)
    {
        var code = await IssueContainingAsync(digit);

        await AssertAcceptedAsync(code.Code.Replace(digit, letter));
    }

    [Fact]
    public async Task Reformatted_code_in_the_query_string_is_accepted()
    {
        var code = await fixture.Gateway.IssueAsync();
        var path = LatchHttp.UniquePath();
        using var proxy = fixture.Gateway.CreateProxyClient();
        var presented = Uri.EscapeDataString(code.Code.ToLowerInvariant().Replace("-", " ", StringComparison.Ordinal));

        using var response = await proxy.GetWithCodeAsync($"{path}?latch_code={presented}", code: null);

        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        Assert.Single(fixture.Backend.ReceivedUnder(path));
    }

    private async Task AssertAcceptedAsync(string presented)
    {
        var path = LatchHttp.UniquePath();
        using var proxy = fixture.Gateway.CreateProxyClient();

        using var response = await proxy.GetWithCodeAsync(path, presented);

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"'{presented}': {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        Assert.Single(fixture.Backend.ReceivedUnder(path));
    }

    /// <summary>Issues codes until one contains <paramref name="symbol"/> (about one in four does); revokes the others.</summary>
    private async Task<IssuedCode> IssueContainingAsync(char symbol)
    {
        using var admin = fixture.Gateway.CreateAdminClient();
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var code = await fixture.Gateway.IssueAsync();
            if (code.Code.Contains(symbol, StringComparison.Ordinal))
            {
                return code;
            }

            using var revoked = await admin.DeleteAsync($"admin/codes/{code.Id}");
        }

        Assert.Fail($"no issued code contained '{symbol}' in 100 attempts");
        return null!;
    }
}

public sealed class CodeFormatTestsOnMemory(MemoryGatewayFixture fixture) : CodeFormatTests<MemoryGatewayFixture>(fixture);

public sealed class CodeFormatTestsOnRedis(RedisGatewayFixture fixture) : CodeFormatTests<RedisGatewayFixture>(fixture);
