using System.Net;
using LatchGateway.Access;
using LatchGateway.Contracts;
using LatchGateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using static LatchGateway.Tests.Access.AccessSettings;

namespace LatchGateway.Tests.Access;

/// <summary>With the access request store out of reach, every access call answers 503 <c>latch_unavailable</c>, and the sweep keeps running.</summary>
public sealed class AccessStoreUnavailableTests(AccessGatewayFixture fixture) : IClassFixture<AccessGatewayFixture>
{
    [Fact]
    public async Task Every_access_call_answers_503_latch_unavailable()
    {
        var clock = GatewayTime.NewClock();
        await using var gateway = await GatewayInstance.StartAsync(
            fixture.Backend,
            Standard(),
            configure: builder => builder.Services.Replace(ServiceDescriptor.Singleton<IAccessRequestStore, UnreachableAccessStore>()),
            clock: clock);
        var alice = Engineer();
        var bob = Sre();
        const string Id = "0000000000000000000a";
        using var auditor = AccessHttp.Client(gateway, apiKey: AccessHttp.AuditorKey);

        // The sweep (every 30 s) fails on every tick and keeps ticking; the log says so once, on one line.
        var store = (UnreachableAccessStore)gateway.GetService<IAccessRequestStore>();
        clock.Advance(TimeSpan.FromMinutes(2));
        Assert.True(
            await LatchHttp.EventuallyAsync(() => Task.FromResult(Volatile.Read(ref store.Sweeps) >= 2), TimeSpan.FromSeconds(5)),
            "the sweep did not keep running:\n" + gateway.Logs.All);
        var warning = Assert.Single(gateway.Logs.Lines, l => l.Contains("The access request sweep cannot reach Redis", StringComparison.Ordinal));
        Assert.StartsWith("Warning ", warning, StringComparison.Ordinal);
        Assert.Contains("unreachable (test)", warning, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", gateway.Logs.All, StringComparison.Ordinal);

        var calls = new Func<Task<HttpResponseMessage>>[]
        {
            () => AccessHttp.CreateAsync(gateway, alice, new { route = "orders-admin", reason = "x" }),
            () => AccessHttp.GetAsync(gateway, alice, "access/requests"),
            () => AccessHttp.GetAsync(gateway, alice, $"access/requests/{Id}"),
            () => auditor.GetAsync("access/requests"),
            () => AccessHttp.ApproveAsync(gateway, bob, Id),
            () => AccessHttp.DenyAsync(gateway, bob, Id, "no"),
            () => AccessHttp.CancelAsync(gateway, alice, Id),
            () => AccessHttp.PickUpAsync(gateway, alice, Id),
        };
        foreach (var call in calls)
        {
            using var response = await call();
            var problem = await LatchHttp.AssertProblemAsync(response, HttpStatusCode.ServiceUnavailable);
            Assert.Equal("latch_unavailable", problem.GetProperty("error").GetString());
            Assert.True(LatchHttp.IsNoStore(response));
            Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
        }

        using var codes = gateway.CreateAdminClient();
        var live = await AccessHttp.ExpectAsync(await codes.GetAsync("admin/codes"), HttpStatusCode.OK);
        Assert.Equal(0, live.GetArrayLength());
    }

    private sealed class UnreachableAccessStore : IAccessRequestStore
    {
        /// <summary>How many sweeps have asked this store for expired requests.</summary>
        public int Sweeps;

        public ValueTask<bool> TryAddAsync(AccessRequest request, CancellationToken cancellationToken) => throw Unreachable();

        public ValueTask<AccessRequest?> GetAsync(string id, CancellationToken cancellationToken) => throw Unreachable();

        public ValueTask<IReadOnlyList<AccessRequest>> ListAsync(Func<AccessRequest, bool> filter, int limit, CancellationToken cancellationToken) => throw Unreachable();

        public ValueTask<AccessChange> ApproveAsync(string id, AccessApproval approval, TimeSpan pickupWindow, CancellationToken cancellationToken) => throw Unreachable();

        public ValueTask<AccessChange> DenyAsync(string id, string by, string reason, DateTimeOffset now, CancellationToken cancellationToken) => throw Unreachable();

        public ValueTask<AccessChange> CancelAsync(string id, string by, DateTimeOffset now, CancellationToken cancellationToken) => throw Unreachable();

        public ValueTask<AccessChange> IssueAsync(string id, string codeId, DateTimeOffset now, CancellationToken cancellationToken) => throw Unreachable();

        public ValueTask<IReadOnlyList<AccessRequest>> ExpireDueAsync(DateTimeOffset now, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Sweeps);
            throw Unreachable();
        }

        private static LatchStoreUnavailableException Unreachable() => new("The access request store is unreachable (test).");
    }
}
