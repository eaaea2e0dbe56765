namespace LatchGateway.Tests.Infrastructure;

/// <summary>
/// The README's layout: an open route <c>orders</c> (<c>/orders/{**rest}</c>, no latch) beside the latched
/// <c>orders-admin</c> (<c>/orders/admin/{**rest}</c>), so that a path the gateway matches as the open route could
/// be the latched one to a backend. Memory store, one backend.
/// </summary>
public sealed class OpenOrdersGatewayFixture : IAsyncLifetime
{
    public static readonly IReadOnlyDictionary<string, string?> OpenOrdersRoute = new Dictionary<string, string?>
    {
        ["ReverseProxy:Routes:orders:ClusterId"] = "backend",
        ["ReverseProxy:Routes:orders:Match:Path"] = "/orders/{**rest}",
    };

    public TestBackend Backend { get; private set; } = null!;

    public GatewayInstance Gateway { get; private set; } = null!;

    /// <summary>The settings of this layout plus <paramref name="extra"/>.</summary>
    public static Dictionary<string, string?> Settings(IReadOnlyDictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>(GatewayFixture.NoLockout);
        foreach (var (key, value) in OpenOrdersRoute.Concat(extra ?? new Dictionary<string, string?>()))
        {
            settings[key] = value;
        }

        return settings;
    }

    public async Task InitializeAsync()
    {
        Backend = await TestBackend.StartAsync();
        Gateway = await GatewayInstance.StartAsync(Backend, Settings());
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Backend.DisposeAsync();
    }
}
