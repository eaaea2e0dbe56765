using System.Text.Json;
using LatchGateway.Contracts;
using LatchGateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace LatchGateway.Tests.Cli;

/// <summary>
/// <c>latchctl codes list</c> over the paged <c>GET /admin/codes</c>: every live code by following the
/// <c>Link</c> pages, or the newest <c>--limit</c>; and never a page from another host.
/// </summary>
public sealed class CodesPagingCliTests(MemoryGatewayFixture fixture) : IClassFixture<MemoryGatewayFixture>
{
    private GatewayInstance Gateway => fixture.Gateway;

    [Fact]
    public async Task Codes_list_follows_the_pages_to_every_code_and_limit_takes_the_newest()
    {
        // More codes than the largest page (1000), issued in-process: only the listing goes over HTTP here.
        var user = $"many-{Guid.NewGuid():N}";
        var service = Gateway.GetService<ILatchCodeService>();
        var issued = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < 1003; i++)
        {
            var code = await service.IssueAsync(
                new LatchCodeIssue(i % 2 == 0 ? "orders-admin" : "exports", user, null, TimeSpan.FromMinutes(5), null, new LatchActor("ops", null)),
                CancellationToken.None);
            issued.Add(code.Info.Id);
        }

        var all = (await CliRun.RunAsync(CliRun.Operator(Gateway, "reader"), "codes", "list", "--user", user)).Succeeded().Json;
        var newest = (await CliRun.RunAsync(CliRun.Operator(Gateway, "reader"), "codes", "list", "--user", user, "--limit", "3")).Succeeded().Json;
        var table = (await CliRun.RunAsync(CliRun.Operator(Gateway, "reader"), ["codes", "list", "--user", user], terminal: true)).Succeeded().Out;

        var ids = all.EnumerateArray().Select(c => c.GetProperty("id").GetString()!).ToList();
        Assert.Equal(1003, ids.Count);
        Assert.True(issued.SetEquals(ids), "latchctl did not list each code exactly once");
        Assert.Equal(ids.Take(3), newest.EnumerateArray().Select(c => c.GetProperty("id").GetString()!));
        var times = all.EnumerateArray().Select(c => c.GetProperty("issuedAt").GetDateTimeOffset()).ToList();
        Assert.Equal(times.OrderDescending(), times);
        Assert.All(ids, id => Assert.Contains(id, table, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_limit_out_of_range_is_the_apis_400_naming_it()
    {
        var result = await CliRun.RunAsync(CliRun.Operator(Gateway), "codes", "list", "--limit", "0");

        result.Refused(400);
        Assert.Contains("limit:", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_next_page_on_another_host_is_refused_and_never_sent_the_key()
    {
        var elsewhere = 0;
        await using var foreign = await LoopbackApp.StartAsync("foreign", context =>
        {
            Interlocked.Increment(ref elsewhere);
            return context.Response.WriteAsync("[]");
        });
        await using var api = await LoopbackApp.StartAsync("paging", context =>
        {
            context.Response.ContentType = "application/json";
            context.Response.Headers.Link = $"<{foreign.Address}admin/codes?cursor=x>; rel=\"next\"";
            return context.Response.WriteAsync("[]");
        });
        var environment = new Dictionary<string, string?> { ["LATCH_ADMIN_URL"] = api.Address.ToString(), ["LATCH_API_KEY"] = "ops-key-0123456789" };

        var result = await CliRun.RunAsync(environment, "codes", "list");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("not on", result.Error, StringComparison.Ordinal);
        Assert.Equal(0, elsewhere);
        Assert.Equal("", result.Out);
    }
}
