using System.Diagnostics.Metrics;
using LatchGateway.Access;
using LatchGateway.Diagnostics;
using LatchGateway.Store;
using LatchGateway.Store.Redis;
using LatchGateway.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LatchGateway.Tests.Access;

/// <summary>
/// The access request store contract on a three-master Redis Cluster: each script touches one key, so requests spread
/// over every slot take each transition as on one server.
/// </summary>
public sealed class RedisClusterAccessRequestStoreTests(AccessClusterFixture fixture) : AccessRequestStoreContract, IClassFixture<AccessClusterFixture>
{
    private readonly string _prefix = $"access-{Guid.NewGuid():N}";
    private readonly List<RedisConnection> _connections = [];
    private readonly ServiceProvider _metrics = new ServiceCollection().AddMetrics().BuildServiceProvider();

    public override async Task DisposeAsync()
    {
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync();
        }

        await _metrics.DisposeAsync();
    }

    private protected override Task<IAccessRequestStore> CreateStoreAsync() => Task.FromResult(NewReplica(TimeSpan.FromDays(7)));

    private protected override IAccessRequestStore NewReplica(TimeSpan retention)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Redis"] = fixture.Cluster.ConnectionString })
            .Build();
        var options = Options.Create(new LatchStoreOptions { Provider = LatchStoreProvider.Redis, KeyPrefix = _prefix });
        var connection = new RedisConnection(options, configuration, new LatchMetrics(_metrics.GetRequiredService<IMeterFactory>()));
        _connections.Add(connection);
        return new RedisAccessRequestStore(connection, options, AccessSettings(retention));
    }
}

/// <summary>One Redis Cluster for the tests of a class.</summary>
public sealed class AccessClusterFixture : IAsyncLifetime
{
    public RedisCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync() => Cluster = await RedisCluster.StartAsync();

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}
