namespace LatchGateway.Tests.Infrastructure;

/// <summary>One <c>redis-server</c> for a test class that talks to Redis directly (no gateway, no backend).</summary>
public sealed class RedisServerFixture : IAsyncLifetime
{
    public RedisServer Redis { get; private set; } = null!;

    public async Task InitializeAsync() => Redis = await RedisServer.StartAsync();

    public async Task DisposeAsync() => await Redis.DisposeAsync();
}
