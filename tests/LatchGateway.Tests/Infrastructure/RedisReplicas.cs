using System.Diagnostics.Metrics;
using LatchGateway.Diagnostics;
using LatchGateway.Store;
using LatchGateway.Store.Redis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LatchGateway.Tests.Infrastructure;

/// <summary>
/// Store-level "replicas" of a real Redis (one server or a cluster): each <see cref="Open"/> is a
/// <see cref="RedisConnection"/> of its own, all under one key prefix of the test's own; disposing closes them all.
/// </summary>
internal sealed class RedisReplicas(string connectionString, string prefixStem) : IAsyncDisposable
{
    private readonly List<RedisConnection> _connections = [];
    private readonly ServiceProvider _metrics = new ServiceCollection().AddMetrics().BuildServiceProvider();

    /// <summary>The store settings every replica shares: the Redis provider, under a fresh prefix.</summary>
    public IOptions<LatchStoreOptions> Options { get; } = Microsoft.Extensions.Options.Options.Create(
        new LatchStoreOptions { Provider = LatchStoreProvider.Redis, KeyPrefix = $"{prefixStem}-{Guid.NewGuid():N}" });

    public string Prefix => Options.Value.KeyPrefix;

    /// <summary>A new connection, as a replica of the gateway would make it.</summary>
    public RedisConnection Open()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Redis"] = connectionString })
            .Build();
        var connection = new RedisConnection(Options, configuration, new LatchMetrics(_metrics.GetRequiredService<IMeterFactory>()));
        _connections.Add(connection);
        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync();
        }

        await _metrics.DisposeAsync();
    }
}
