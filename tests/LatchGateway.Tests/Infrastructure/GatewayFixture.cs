using Microsoft.Extensions.Time.Testing;

namespace LatchGateway.Tests.Infrastructure;

/// <summary>
/// One backend and one gateway shared by the tests of a class. End-to-end classes take the fixture as a type
/// parameter and run once per store: <see cref="MemoryGatewayFixture"/> and <see cref="RedisGatewayFixture"/>.
/// The lockout thresholds are raised: these classes refuse many codes on purpose from 127.0.0.1, and the
/// contract's lockout (5 refusals a minute) must not turn their 403s into 429s.
/// </summary>
public abstract class GatewayFixture : IAsyncLifetime
{
    /// <summary>Settings that keep a test client from being locked out by its own deliberate refusals.</summary>
    public static readonly IReadOnlyDictionary<string, string?> NoLockout = new Dictionary<string, string?>
    {
        ["Latch:Lockout:MaxFailures"] = "1000000",
        ["Latch:Lockout:Window"] = "00:00:01",
    };

    public TestBackend Backend { get; private set; } = null!;

    public GatewayInstance Gateway { get; private set; } = null!;

    /// <summary>
    /// Starts another gateway on the same store and backend (with <paramref name="extra"/> settings) whose time the
    /// test lets pass (see <see cref="GatewayTime"/>): on a fake clock on the memory store; on real time on Redis,
    /// where code lifetimes are Redis TTLs on Redis's own clock.
    /// </summary>
    public Task<GatewayInstance> StartTimedGatewayAsync(IReadOnlyDictionary<string, string?>? extra = null) =>
        StartGatewayAsync(extra, CreateClock());

    /// <summary>Starts another gateway on the same store and backend (with <paramref name="extra"/> settings).</summary>
    public Task<GatewayInstance> StartGatewayAsync(IReadOnlyDictionary<string, string?>? extra = null) => StartGatewayAsync(extra, clock: null);

    public async Task InitializeAsync()
    {
        await StartStoreAsync();
        Backend = await TestBackend.StartAsync();
        Gateway = await StartGatewayAsync();
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Backend.DisposeAsync();
        await StopStoreAsync();
    }

    protected abstract IReadOnlyDictionary<string, string?> StoreSettings();

    /// <summary>The clock of a gateway from <see cref="StartTimedGatewayAsync"/>; null for real time.</summary>
    protected abstract FakeTimeProvider? CreateClock();

    protected virtual Task StartStoreAsync() => Task.CompletedTask;

    protected virtual Task StopStoreAsync() => Task.CompletedTask;

    private Task<GatewayInstance> StartGatewayAsync(IReadOnlyDictionary<string, string?>? extra, FakeTimeProvider? clock)
    {
        var settings = new Dictionary<string, string?>(NoLockout);
        foreach (var (key, value) in StoreSettings())
        {
            settings[key] = value;
        }

        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return GatewayInstance.StartAsync(Backend, settings, clock: clock);
    }
}

/// <summary>The embedded default: codes in the gateway's memory.</summary>
public sealed class MemoryGatewayFixture : GatewayFixture
{
    protected override IReadOnlyDictionary<string, string?> StoreSettings() => new Dictionary<string, string?>();

    protected override FakeTimeProvider CreateClock() => GatewayTime.NewClock();
}

/// <summary>Codes in a real <c>redis-server</c> started for the fixture.</summary>
public sealed class RedisGatewayFixture : GatewayFixture
{
    private RedisServer? _redis;

    protected override IReadOnlyDictionary<string, string?> StoreSettings() => RedisSettings.For(_redis!.Endpoint);

    protected override FakeTimeProvider? CreateClock() => null;

    protected override async Task StartStoreAsync() => _redis = await RedisServer.StartAsync();

    protected override async Task StopStoreAsync()
    {
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }
}
