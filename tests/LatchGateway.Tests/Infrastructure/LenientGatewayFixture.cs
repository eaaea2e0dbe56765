namespace LatchGateway.Tests.Infrastructure;

/// <summary>
/// Like <see cref="GatewayFixture"/>, but with the lockout thresholds raised: end-to-end classes refuse many codes on
/// purpose from 127.0.0.1, and the contract's lockout (5 refusals a minute) must not turn their 403s into 429s.
/// </summary>
public sealed class LenientGatewayFixture : IAsyncLifetime
{
    /// <summary>Settings that keep a test client from being locked out by its own deliberate refusals.</summary>
    public static readonly IReadOnlyDictionary<string, string?> NoLockout = new Dictionary<string, string?>
    {
        ["Latch:Lockout:MaxFailures"] = "1000000",
        ["Latch:Lockout:Window"] = "00:00:01",
    };

    public TestBackend Backend { get; private set; } = null!;

    public GatewayInstance Gateway { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Backend = await TestBackend.StartAsync();
        Gateway = await GatewayInstance.StartAsync(Backend, NoLockout);
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Backend.DisposeAsync();
    }
}
