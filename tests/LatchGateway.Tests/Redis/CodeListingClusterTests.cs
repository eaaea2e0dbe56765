using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LatchGateway.Store.Redis;
using LatchGateway.Tests.Infrastructure;
using StackExchange.Redis;
using static LatchGateway.Tests.Admin.CodesPages;

namespace LatchGateway.Tests.Redis;

/// <summary>
/// <c>GET /admin/codes</c> on a three-master Redis Cluster, where codes live in 32 shards spread over the masters:
/// pages merge every shard, newest first, each code once, whichever replica serves the page.
/// </summary>
public sealed class CodeListingClusterTests : IAsyncLifetime
{
    private const int Codes = 200;

    private readonly string _prefix = $"listing-{Guid.NewGuid():N}";
    private RedisCluster _cluster = null!;
    private TestBackend _backend = null!;
    private GatewayInstance[] _replicas = [];
    private ConnectionMultiplexer _client = null!;

    public async Task InitializeAsync()
    {
        _cluster = await RedisCluster.StartAsync();
        _backend = await TestBackend.StartAsync();
        _replicas = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => GatewayInstance.StartAsync(_backend, RedisSettings.For(_cluster.ConnectionString, _prefix))));
        _client = await ConnectionMultiplexer.ConnectAsync(_cluster.ConnectionString + ",allowAdmin=true");
    }

    public async Task DisposeAsync()
    {
        await _client.DisposeAsync();
        foreach (var replica in _replicas)
        {
            await replica.DisposeAsync();
        }

        await _backend.DisposeAsync();
        await _cluster.DisposeAsync();
    }

    [Fact]
    public async Task Pages_across_every_shard_show_each_code_once_newest_first_from_either_replica()
    {
        var user = $"paged-{Guid.NewGuid():N}";
        var issued = new List<string>();
        for (var i = 0; i < Codes; i++)
        {
            issued.Add((await _replicas[i % 2].IssueAsync(user: user)).Id);
        }

        await _replicas[0].IssueAsync(user: "someone-else");
        using var first = _replicas[0].CreateAdminClient("reader");
        using var second = _replicas[1].CreateAdminClient("reader");

        var pages = await FollowAsync($"admin/codes?user={user}&limit=9", first, second);

        Assert.Equal(Codes / 9 + 1, pages.Count);
        Assert.All(pages[..^1], p => Assert.Equal(9, p.Codes.Count));
        Assert.Equal(Codes % 9, pages[^1].Codes.Count);
        Assert.Equal(issued.Order(StringComparer.Ordinal), Ids(pages).Order(StringComparer.Ordinal));
        AssertNewestFirst(pages);

        // The codes came from many shards (an id names its shard by its first symbol).
        var shards = Ids(pages).Select(id => id[0]).Distinct().Count();
        Assert.True(shards >= 24, $"{Codes} codes fell in only {shards} shards");

        var someId = issued[Codes / 2];
        Assert.Equal(HttpStatusCode.OK, (await second.GetAsync($"admin/codes/{someId}")).StatusCode);
        using var admin = _replicas[0].CreateAdminClient();
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"admin/codes/{someId}")).StatusCode);
        var after = await FollowAsync($"admin/codes?user={user}&limit=50", second, first);
        Assert.Equal(issued.Where(id => id != someId).Order(StringComparer.Ordinal), Ids(after).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Issues_write_a_shard_index_on_every_master_none_holding_more_than_a_small_share()
    {
        for (var i = 0; i < Codes; i++)
        {
            await _replicas[i % 2].IssueAsync();
        }

        var sizes = new Dictionary<string, long>(StringComparer.Ordinal);
        var mastersWithIndexes = 0;
        foreach (var endpoint in _client.GetEndPoints())
        {
            var server = _client.GetServer(endpoint);
            var indexes = server.Keys(pattern: $"{_prefix}:index:*").ToList();
            mastersWithIndexes += indexes.Count > 0 ? 1 : 0;
            foreach (var index in indexes)
            {
                sizes[index.ToString()] = await _client.GetDatabase().SortedSetLengthAsync(index);
            }
        }

        Assert.Equal(3, mastersWithIndexes);
        Assert.Equal(Codes, sizes.Values.Sum());
        Assert.InRange(sizes.Count, 24, 32);
        Assert.All(sizes, s => Assert.InRange(s.Value, 1, Codes / 8));
    }

    [Fact]
    public async Task Each_shard_tag_hashes_into_its_own_thirty_second_of_the_slots()
    {
        var db = _client.GetDatabase();
        for (var shard = 0; shard < RedisKeys.ShardTags.Length; shard++)
        {
            var slot = (long)await db.ExecuteAsync("CLUSTER", "KEYSLOT", RedisKeys.ShardTags[shard]);
            Assert.InRange(slot, 512L * shard, (512L * shard) + 511);
        }
    }
}
