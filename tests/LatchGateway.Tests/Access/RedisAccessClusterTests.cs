using LatchGateway.Access;
using LatchGateway.Tests.Infrastructure;

namespace LatchGateway.Tests.Access;

/// <summary>
/// The access request store contract on a three-master Redis Cluster: each script touches one key, so requests spread
/// over every slot take each transition as on one server.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes it through IAsyncLifetime.DisposeAsync.")]
public sealed class RedisClusterAccessRequestStoreTests(AccessClusterFixture fixture) : AccessRequestStoreContract, IClassFixture<AccessClusterFixture>
{
    private readonly RedisReplicas _replicas = new(fixture.Cluster.ConnectionString, "access");

    public override async Task DisposeAsync() => await _replicas.DisposeAsync();

    private protected override Task<IAccessRequestStore> CreateStoreAsync() => Task.FromResult(NewReplica(TimeSpan.FromDays(7)));

    private protected override IAccessRequestStore NewReplica(TimeSpan retention)
    {
        return new RedisAccessRequestStore(_replicas.Open(), _replicas.Options, AccessSettings(retention));
    }
}

/// <summary>One Redis Cluster for the tests of a class.</summary>
public sealed class AccessClusterFixture : IAsyncLifetime
{
    public RedisCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync() => Cluster = await RedisCluster.StartAsync();

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}
