namespace LatchGateway.Tests.Infrastructure;

/// <summary>One backend and one gateway (memory store) shared by the tests of a class.</summary>
public sealed class GatewayFixture : IAsyncLifetime
{
    public TestBackend Backend { get; private set; } = null!;

    public GatewayInstance Gateway { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Backend = await TestBackend.StartAsync();
        Gateway = await GatewayInstance.StartAsync(Backend);
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Backend.DisposeAsync();
    }
}
