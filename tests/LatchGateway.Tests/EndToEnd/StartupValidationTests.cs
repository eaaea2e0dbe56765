using LatchGateway.Tests.Infrastructure;
using Xunit.Abstractions;

namespace LatchGateway.Tests.EndToEnd;

/// <summary>Configuration errors stop the gateway at start-up, with a message an operator can act on.</summary>
public sealed class StartupValidationTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("Sometimes")]
    [InlineData("")]
    [InlineData("Optional")]
    public async Task Unknown_latch_value_fails_start_up_naming_the_route(string value)
    {
        var messages = await StartFailureAsync(new Dictionary<string, string?>
        {
            ["ReverseProxy:Routes:flaky-route:ClusterId"] = "backend",
            ["ReverseProxy:Routes:flaky-route:Match:Path"] = "/flaky/{**rest}",
            ["ReverseProxy:Routes:flaky-route:Transforms:0:Latch"] = value,
        });

        Assert.Contains("flaky-route", messages, StringComparison.Ordinal);
        Assert.Contains("Latch", messages, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Latch_entry_with_other_keys_fails_start_up_naming_the_route()
    {
        var messages = await StartFailureAsync(new Dictionary<string, string?>
        {
            ["ReverseProxy:Routes:odd-route:ClusterId"] = "backend",
            ["ReverseProxy:Routes:odd-route:Match:Path"] = "/odd/{**rest}",
            ["ReverseProxy:Routes:odd-route:Transforms:0:Latch"] = "Required",
            ["ReverseProxy:Routes:odd-route:Transforms:0:Mode"] = "Strict",
        });

        Assert.Contains("odd-route", messages, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("AAAA")]
    public async Task Bad_hash_key_fails_start_up_naming_the_setting(string hashKey)
    {
        var messages = await StartFailureAsync(new Dictionary<string, string?> { ["Latch:Codes:HashKey"] = hashKey });

        Assert.Contains("Latch:Codes:HashKey", messages, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Redis_without_connection_string_or_hash_key_fails_start_up_naming_both()
    {
        var messages = await StartFailureAsync(new Dictionary<string, string?> { ["Latch:Store:Provider"] = "Redis" });

        Assert.Contains("ConnectionStrings:Redis", messages, StringComparison.Ordinal);
        Assert.Contains("Latch:Codes:HashKey", messages, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Valid_hash_key_starts()
    {
        await using var backend = await TestBackend.StartAsync();
        var key = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

        await using var gateway = await GatewayInstance.StartAsync(backend, new Dictionary<string, string?> { ["Latch:Codes:HashKey"] = key });
        var code = await gateway.IssueAsync();

        Assert.False(string.IsNullOrEmpty(code.Code));
    }

    private Task<string> StartFailureAsync(IReadOnlyDictionary<string, string?> settings) =>
        StartupFailure.MessagesAsync(settings, output);
}
