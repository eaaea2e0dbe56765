using LatchGateway.Sessions;

namespace LatchGateway.Tests.Sessions;

/// <summary>The session store contract on the memory store.</summary>
public sealed class InMemorySessionStoreContractTests : SessionStoreContractTests
{
    private protected override Task<ISessionStore> CreateStoreAsync() => Task.FromResult<ISessionStore>(new InMemorySessionStore(Time));
}
