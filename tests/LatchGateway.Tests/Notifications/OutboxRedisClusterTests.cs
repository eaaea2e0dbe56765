using System.Diagnostics.Metrics;
using LatchGateway.Notifications;
using LatchGateway.Store.Redis;
using LatchGateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace LatchGateway.Tests.Notifications;

/// <summary>
/// The outbox contract on a three-master Redis Cluster: entries spread over every slot, the claim script stays on the
/// due set's, and replicas still get each entry once.
/// </summary>
public sealed class OutboxRedisClusterTests(OutboxRedisClusterTests.Cluster cluster)
    : OutboxContractTests, IClassFixture<OutboxRedisClusterTests.Cluster>, IDisposable
{
    private readonly string _prefix = $"outbox-{Guid.NewGuid():N}";
    private readonly List<RedisConnection> _connections = [];
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private TestTelemetry _telemetry = null!;

    public override async Task DisposeAsync()
    {
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync();
        }

        await _services.DisposeAsync();
        await base.DisposeAsync();
    }

    public void Dispose() => _telemetry.Dispose();

    private protected override Task<INotificationOutbox> CreateOutboxAsync()
    {
        _telemetry = new TestTelemetry(Time, _services.GetRequiredService<IMeterFactory>());
        return Task.FromResult(OtherReplica());
    }

    private protected override INotificationOutbox OtherReplica() =>
        OutboxRedisReplica.Create(cluster.Redis.ConnectionString, _prefix, _telemetry, Time, _connections);

    [Fact]
    public async Task A_code_delivery_is_sealed_and_opened_across_the_cluster()
    {
        var code = LatchHttp.RandomCode();
        var entries = Enumerable.Range(0, 12).Select(_ => NewEntry(channels: ["requester"], code: code)).ToArray();
        await Outbox.EnqueueAsync(entries, default);

        var claimed = await OtherReplica().ClaimDueAsync(Now, Lease, 20, default);

        Assert.Equal(entries.Length, claimed.Count);
        Assert.All(claimed, e => Assert.Equal(code, e.Notification.Data.Code));
    }

    /// <summary>One Redis Cluster for the class.</summary>
    public sealed class Cluster : IAsyncLifetime
    {
        public RedisCluster Redis { get; private set; } = null!;

        public async Task InitializeAsync() => Redis = await RedisCluster.StartAsync();

        public async Task DisposeAsync() => await Redis.DisposeAsync();
    }
}
