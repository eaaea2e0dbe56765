using StackExchange.Redis;

namespace LatchGateway.Tests.Infrastructure;

/// <summary>
/// For test classes that run gateways on a real Redis: a fresh <c>redis-server</c>, a backend, and a client to look
/// into Redis directly, started before the class's tests and stopped after.
/// </summary>
public abstract class RedisTestBase : IAsyncLifetime
{
    protected RedisServer Redis { get; private set; } = null!;

    protected TestBackend Backend { get; private set; } = null!;

    protected ConnectionMultiplexer Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Redis = await RedisServer.StartAsync();
        Backend = await TestBackend.StartAsync();
        Client = await ConnectionMultiplexer.ConnectAsync(Redis.Endpoint);
    }

    public async Task DisposeAsync()
    {
        await Client.DisposeAsync();
        await Backend.DisposeAsync();
        await Redis.DisposeAsync();
    }
}
