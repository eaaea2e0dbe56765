using System.Net;
using LatchGateway.Tests.Infrastructure;

namespace LatchGateway.Tests.EndToEnd;

/// <summary>Consumption is atomic: of many concurrent presentations of one code, exactly one is forwarded.</summary>
public abstract class RaceTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : GatewayFixture
{
    private const int Presentations = 64;

    [Theory]
    [InlineData("header")]
    [InlineData("query")]
    public async Task Concurrent_presentations_of_one_code_forward_exactly_one(string carrier)
    {
        var code = await fixture.Gateway.IssueAsync();
        var prefix = LatchHttp.UniquePath() + "/";
        var clients = Enumerable.Range(0, 8)
            .Select(_ => new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Presentations }) { BaseAddress = fixture.Gateway.ProxyAddress })
            .ToArray();
        try
        {
            // Open the connections first, so the presentations themselves start together.
            await Task.WhenAll(Enumerable.Range(0, Presentations).Select(async i =>
            {
                using var warm = await clients[i % clients.Length].GetAsync($"public/warm-{Guid.NewGuid():N}");
            }));

            using var start = new SemaphoreSlim(0);
            var presentations = Enumerable.Range(0, Presentations).Select(async i =>
            {
                await start.WaitAsync();
                var path = $"{prefix}{i}";
                using var response = carrier == "header"
                    ? await clients[i % clients.Length].GetWithCodeAsync(path, code.Code)
                    : await clients[i % clients.Length].GetWithCodeAsync($"{path}?latch_code={code.Code}", code: null);
                var body = await response.Content.ReadAsStringAsync();
                return (response.StatusCode, body);
            }).ToArray();
            start.Release(Presentations);
            var results = await Task.WhenAll(presentations);

            Assert.Single(results, r => r.StatusCode == HttpStatusCode.OK);
            Assert.Equal(Presentations - 1, results.Count(r => r.StatusCode == HttpStatusCode.Forbidden && r.body.Contains("\"error\":\"latch_invalid\"", StringComparison.Ordinal)));
            Assert.Single(fixture.Backend.ReceivedUnder(prefix));
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }
}

public sealed class RaceTestsOnMemory(MemoryGatewayFixture fixture) : RaceTests<MemoryGatewayFixture>(fixture);

public sealed class RaceTestsOnRedis(RedisGatewayFixture fixture) : RaceTests<RedisGatewayFixture>(fixture);
