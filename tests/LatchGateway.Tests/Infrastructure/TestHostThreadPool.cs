using System.Runtime.CompilerServices;

namespace LatchGateway.Tests.Infrastructure;

/// <summary>
/// The test host runs many gateways, backends and relays in one process, and the test runner itself holds two
/// thread-pool threads for the whole run (its assembly runner waiting, its message loop polling). On a 2-CPU machine
/// that is the pool's whole minimum: any further blocking moment (a test starting <c>redis-cli</c>, a synchronous
/// connect) then stalls every in-process gateway until the pool adds a thread, about half a second each — long
/// enough for a Redis command behind a test relay to pass the gateway's 1 s timeout. A gateway in production has its
/// process to itself.
/// </summary>
internal static class TestHostThreadPool
{
    private const int MinimumThreads = 16;

    [ModuleInitializer]
    internal static void Raise()
    {
        ThreadPool.GetMinThreads(out var workers, out var completions);
        ThreadPool.SetMinThreads(Math.Max(workers, MinimumThreads), Math.Max(completions, MinimumThreads));
    }
}
