using LatchGateway.Tests.Infrastructure;

namespace LatchGateway.Tests.Redis;

/// <summary>
/// A gateway on Redis behind counting relays (<see cref="RoundTripRelays"/>) and a backend, for the round-trip tests:
/// lockout after three refusals, and no sweep (its commands would be turns of their own). Each test class chooses the
/// Redis (one server or a Cluster) and may add settings.
/// </summary>
public abstract class RelayedGatewayTests : IAsyncLifetime
{
    protected TestBackend Backend { get; private set; } = null!;

    protected RoundTripRelays Relays { get; private set; } = null!;

    protected GatewayInstance Gateway { get; private set; } = null!;

    /// <summary>Settings of this class's gateways besides Redis, the lockout and the sweep.</summary>
    protected virtual IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>();

    public async Task InitializeAsync()
    {
        Backend = await TestBackend.StartAsync();
        Relays = await StartRedisAsync();
        Gateway = await StartGatewayAsync();
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Relays.DisposeAsync();
        await Backend.DisposeAsync();
    }

    protected abstract Task<RoundTripRelays> StartRedisAsync();

    /// <summary>A gateway on the relayed Redis: the test's, or another replica.</summary>
    protected Task<GatewayInstance> StartGatewayAsync() =>
        GatewayInstance.StartAsync(Backend, AbuseHttp.Merge(
            RedisSettings.For(Relays.ConnectionString),
            AbuseHttp.Lockout(3),
            new Dictionary<string, string?> { ["Latch:Store:SweepInterval"] = "01:00:00" },
            Settings));
}
