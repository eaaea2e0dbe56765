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

    /// <summary>Starts another gateway on the same store and backend (with <paramref name="extra"/> settings).</summary>
    public Task<GatewayInstance> StartGatewayAsync(IReadOnlyDictionary<string, string?>? extra = null)
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

        return GatewayInstance.StartAsync(Backend, settings);
    }

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

    protected virtual Task StartStoreAsync() => Task.CompletedTask;

    protected virtual Task StopStoreAsync() => Task.CompletedTask;
}

/// <summary>The embedded default: codes in the gateway's memory.</summary>
public sealed class MemoryGatewayFixture : GatewayFixture
{
    protected override IReadOnlyDictionary<string, string?> StoreSettings() => new Dictionary<string, string?>();
}

/// <summary>Codes in a real <c>redis-server</c> started for the fixture.</summary>
public sealed class RedisGatewayFixture : GatewayFixture
{
    private RedisServer? _redis;

    protected override IReadOnlyDictionary<string, string?> StoreSettings() => RedisSettings.For(_redis!.Endpoint);

    protected override async Task StartStoreAsync() => _redis = await RedisServer.StartAsync();

    protected override async Task StopStoreAsync()
    {
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }
}
