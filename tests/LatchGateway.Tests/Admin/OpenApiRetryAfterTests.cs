using System.Net;
using System.Net.Http.Json;
using LatchGateway.Tests.Infrastructure;

namespace LatchGateway.Tests.Admin;

/// <summary>
/// The <c>Retry-After</c> the document declares on 503 and 429 answers is really sent: with Redis gone, admin calls
/// answer 503 <c>latch_unavailable</c> with <c>Retry-After</c>; after five wrong keys, 429 with the seconds left.
/// </summary>
public sealed class OpenApiRetryAfterTests : IAsyncLifetime
{
    private RedisServer _redis = null!;
    private TestBackend _backend = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _backend = await TestBackend.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _backend.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task With_the_store_gone_admin_calls_answer_503_with_Retry_After()
    {
        await using var gateway = await GatewayInstance.StartAsync(_backend, RedisSettings.For(_redis.Endpoint, $"retry-{Guid.NewGuid():N}"));
        using var admin = gateway.CreateAdminClient();
        await gateway.IssueAsync();

        await _redis.StopAsync();

        foreach (var call in new Func<Task<HttpResponseMessage>>[]
        {
            () => admin.GetAsync("admin/codes"),
            () => admin.PostAsJsonAsync("admin/codes", new { route = "orders-admin" }),
            () => admin.GetAsync("admin/audit"),
        })
        {
            using var response = await call();
            var problem = await LatchHttp.AssertProblemAsync(response, HttpStatusCode.ServiceUnavailable);
            Assert.Equal("latch_unavailable", problem.GetProperty("error").GetString());
            Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
        }
    }

    [Fact]
    public async Task A_locked_out_caller_gets_429_with_the_seconds_left()
    {
        await using var gateway = await GatewayInstance.StartAsync(_backend);
        using var wrong = new HttpClient { BaseAddress = gateway.AdminAddress };
        wrong.DefaultRequestHeaders.Add("X-Api-Key", "not-a-key-0123456789");

        HttpResponseMessage? last = null;
        for (var i = 0; i < 6; i++)
        {
            last?.Dispose();
            last = await wrong.GetAsync("admin/codes");
        }

        using (last)
        {
            await LatchHttp.AssertProblemAsync(last!, HttpStatusCode.TooManyRequests);
            Assert.InRange(last!.Headers.RetryAfter?.Delta ?? TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(300));
        }
    }
}
