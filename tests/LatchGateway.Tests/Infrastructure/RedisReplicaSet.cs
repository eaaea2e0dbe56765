namespace LatchGateway.Tests.Infrastructure;

/// <summary>One real <c>redis-server</c> and one backend, shared by the tests of a class; each test starts its own replicas.</summary>
public sealed class RedisAndBackendFixture : IAsyncLifetime
{
    public RedisServer Redis { get; private set; } = null!;

    public TestBackend Backend { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Redis = await RedisServer.StartAsync();
        Backend = await TestBackend.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await Backend.DisposeAsync();
        await Redis.DisposeAsync();
    }

    /// <summary>
    /// Starts <paramref name="count"/> gateway replicas on the shared Redis under a key prefix of their own (so tests
    /// do not see each other's codes, lockouts or audit), with <paramref name="extra"/> settings applied after
    /// <see cref="RedisSettings.For"/> (whose lockout thresholds are raised).
    /// </summary>
    public async Task<RedisReplicaSet> StartReplicasAsync(int count, IReadOnlyDictionary<string, string?> extra)
    {
        var settings = AbuseHttp.Merge(RedisSettings.For(Redis.Endpoint, $"latch-{Guid.NewGuid():N}"), extra);
        var replicas = new List<GatewayInstance>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                replicas.Add(await GatewayInstance.StartAsync(Backend, settings));
            }
        }
        catch
        {
            foreach (var replica in replicas)
            {
                await replica.DisposeAsync();
            }

            throw;
        }

        return new RedisReplicaSet(replicas);
    }
}

/// <summary>Gateway replicas sharing one Redis; disposing stops them all.</summary>
public sealed class RedisReplicaSet(IReadOnlyList<GatewayInstance> replicas) : IAsyncDisposable
{
    public GatewayInstance this[int index] => replicas[index];

    public IReadOnlyList<GatewayInstance> All => replicas;

    public async ValueTask DisposeAsync()
    {
        foreach (var replica in replicas)
        {
            await replica.DisposeAsync();
        }
    }
}
