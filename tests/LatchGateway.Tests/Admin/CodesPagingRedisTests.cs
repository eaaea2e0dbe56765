using System.Net;
using LatchGateway.Tests.Infrastructure;
using static LatchGateway.Tests.Admin.CodesPages;

namespace LatchGateway.Tests.Admin;

/// <summary>
/// <c>GET /admin/codes</c> a page at a time on Redis, with two gateway replicas sharing it: a page's cursor is a
/// position in the listing, so either replica serves the next page, and every code is shown once.
/// </summary>
public sealed class CodesPagingRedisTests(RedisAndBackendFixture fixture) : IClassFixture<RedisAndBackendFixture>, IAsyncLifetime
{
    private RedisReplicaSet _replicas = null!;

    public async Task InitializeAsync() => _replicas = await fixture.StartReplicasAsync(2, new Dictionary<string, string?>());

    public async Task DisposeAsync() => await _replicas.DisposeAsync();

    [Fact]
    public async Task Pages_asked_of_either_replica_in_turn_show_every_code_once_newest_first()
    {
        var user = $"replicas-{Guid.NewGuid():N}";
        var issued = new List<string>();
        issued.AddRange(await IssueAsync(_replicas[0], user, 15));
        issued.AddRange(await IssueAsync(_replicas[1], user, 15));
        using var first = _replicas[0].CreateAdminClient("reader");
        using var second = _replicas[1].CreateAdminClient("reader");

        var pages = await FollowAsync($"admin/codes?user={user}&limit=7", first, second);

        Assert.Equal([7, 7, 7, 7, 2], pages.Select(p => p.Codes.Count));
        Assert.Equal(issued.Order(StringComparer.Ordinal), Ids(pages).Order(StringComparer.Ordinal));
        AssertNewestFirst(pages);
        Assert.Equal(Ids(pages), Ids(await FollowAsync($"admin/codes?user={user}&limit=1000", second)));
    }

    [Fact]
    public async Task Filters_hold_across_replicas_and_a_revoked_code_is_not_shown_on_a_later_page()
    {
        var user = $"filter-{Guid.NewGuid():N}";
        var orders = await IssueAsync(_replicas[0], user, 6, "orders-admin");
        await IssueAsync(_replicas[1], user, 6, "exports");
        using var first = _replicas[0].CreateAdminClient();
        using var second = _replicas[1].CreateAdminClient();

        var page = await GetAsync(first, $"admin/codes?route=orders-admin&user={user}&limit=4");
        Assert.Equal(HttpStatusCode.NoContent, (await second.DeleteAsync($"admin/codes/{orders[0]}")).StatusCode);
        var rest = await FollowAsync(page.Next!, second, first);

        var seen = Ids([page, .. rest]);
        Assert.Equal(orders.Skip(1).Order(StringComparer.Ordinal), seen.Order(StringComparer.Ordinal));
        Assert.All(rest.SelectMany(p => p.Codes), c => Assert.Equal("orders-admin", c.GetProperty("route").GetString()));
    }

    [Fact]
    public async Task A_bad_cursor_is_a_400_on_Redis_too()
    {
        using var reader = _replicas[1].CreateAdminClient("reader");

        using var response = await reader.GetAsync("admin/codes?cursor=bm90LWEtY3Vyc29y");

        var problem = await LatchHttp.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("cursor", out _), problem.ToString());
    }
}
