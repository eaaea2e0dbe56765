using System.Net;
using LatchGateway.Tests.Infrastructure;

namespace LatchGateway.Tests.Lockout;

/// <summary>
/// The lockout under bursts, as an attacker would send them: however many wrong codes (or wrong API keys) one
/// address or one user sends at once, at most <c>MaxFailures</c> are answered 403 (401 for keys) and the rest 429;
/// a valid code is accepted only while fewer refusals are counted and is never consumed by a 429; valid codes are
/// not limited in concurrency. Each test runs on the memory store (one gateway) and on Redis (two replicas sharing
/// it, the burst split between them).
/// </summary>
public abstract class LockoutBurstTests
{
    private const int MaxFailures = 5;

    private const int Burst = 200;

    private static readonly IReadOnlyDictionary<string, string?> Settings =
        AbuseHttp.Merge(AbuseHttp.Lockout(MaxFailures), TestJwt.Settings(), new Dictionary<string, string?>
        {
            // A load balancer on loopback: the clients' addresses come from X-Forwarded-For.
            ["Latch:ForwardedHeaders:KnownProxies:0"] = "127.0.0.1",
        });

    protected abstract TestBackend Backend { get; }

    /// <summary>The gateways a burst is spread over; disposing stops them.</summary>
    protected abstract Task<Gateways> StartAsync(IReadOnlyDictionary<string, string?> settings);

    [Fact]
    public async Task A_burst_of_wrong_codes_from_one_address_gets_exactly_MaxFailures_403s_and_the_rest_429()
    {
        await using var gateways = await StartAsync(Settings);
        using var clients = gateways.ProxyClients(IPAddress.Parse("127.0.0.21"));
        var valid = await gateways[0].IssueAsync();

        var statuses = await BurstAsync(i => clients[i].PresentAsync(LatchHttp.UniquePath(), LatchHttp.RandomCode()));

        AssertRefusedExactly(statuses);
        var path = LatchHttp.UniquePath();
        using var locked = await clients[1].PresentAsync(path, valid.Code);
        await AbuseHttp.AssertLockedOutAsync(locked);
        Assert.Empty(Backend.ReceivedUnder(path));
        await AssertLiveAsync(gateways[0], valid.Id);
        var audit = await AbuseHttp.WaitForAuditAsync(gateways[0], e => e.Any(a => a.Type == "locked_out"));
        Assert.Equal("client_ip", Assert.Single(audit, a => a.Type == "locked_out").Reason);
    }

    [Fact]
    public async Task A_burst_of_wrong_codes_by_one_user_from_many_addresses_gets_exactly_MaxFailures_403s()
    {
        await using var gateways = await StartAsync(Settings);
        using var clients = gateways.ProxyClients(IPAddress.Loopback);
        var mallory = TestJwt.For("mallory");
        var forMallory = await gateways[0].IssueAsync(user: "mallory");

        // Every guess comes from an address of its own, so no address is ever locked: only the user is.
        var statuses = await BurstAsync(i => clients[i].PresentAsync(
            LatchHttp.UniquePath(), LatchHttp.RandomCode(), mallory, ("X-Forwarded-For", $"198.51.100.{i % 250 + 1}")));

        AssertRefusedExactly(statuses);
        using var locked = await clients[0].PresentAsync(LatchHttp.UniquePath(), forMallory.Code, mallory, ("X-Forwarded-For", "203.0.113.99"));
        await AbuseHttp.AssertLockedOutAsync(locked);
        await AssertLiveAsync(gateways[0], forMallory.Id);
        var audit = await AbuseHttp.WaitForAuditAsync(gateways[0], e => e.Any(a => a.Type == "locked_out"));
        Assert.Equal("user", Assert.Single(audit, a => a.Type == "locked_out").Reason);
    }

    [Fact]
    public async Task Valid_codes_in_a_burst_of_wrong_ones_are_accepted_or_answered_429_and_left_live()
    {
        await using var gateways = await StartAsync(Settings);
        using var clients = gateways.ProxyClients(IPAddress.Parse("127.0.0.22"));
        var valid = new List<IssuedCode>();
        for (var i = 0; i < 20; i++)
        {
            valid.Add(await gateways[i % gateways.Count].IssueAsync());
        }

        // Every tenth presentation carries a valid code, the rest are guesses.
        var statuses = await BurstAsync(i => clients[i].PresentAsync(
            LatchHttp.UniquePath(), i % 10 == 0 ? valid[i / 10].Code : LatchHttp.RandomCode()));

        var forValid = Enumerable.Range(0, 20).Select(i => statuses[i * 10]).ToList();
        var forGuesses = statuses.Where((_, i) => i % 10 != 0).ToList();
        Assert.Equal(MaxFailures, forGuesses.Count(s => s == HttpStatusCode.Forbidden));
        Assert.All(forGuesses, s => Assert.True(s is HttpStatusCode.Forbidden or HttpStatusCode.TooManyRequests, $"guess answered {(int)s}"));
        Assert.All(forValid, s => Assert.True(s is HttpStatusCode.OK or HttpStatusCode.TooManyRequests, $"valid code answered {(int)s}"));

        // A code answered 429 was put back; one that went through is gone.
        using var admin = gateways[0].CreateAdminClient();
        for (var i = 0; i < valid.Count; i++)
        {
            using var metadata = await admin.GetAsync($"admin/codes/{valid[i].Id}");
            Assert.Equal(forValid[i] == HttpStatusCode.OK ? HttpStatusCode.NotFound : HttpStatusCode.OK, metadata.StatusCode);
        }
    }

    [Fact]
    public async Task A_burst_of_valid_codes_from_one_address_is_not_limited()
    {
        await using var gateways = await StartAsync(Settings);
        using var clients = gateways.ProxyClients(IPAddress.Parse("127.0.0.23"));
        var codes = await Task.WhenAll(Enumerable.Range(0, Burst).Select(i => gateways[i % gateways.Count].IssueAsync()));

        var statuses = await BurstAsync(i => clients[i].PresentAsync(LatchHttp.UniquePath(), codes[i].Code));

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
    }

    [Fact]
    public async Task A_burst_of_wrong_API_keys_from_one_address_gets_exactly_MaxFailures_401s_and_the_rest_429()
    {
        await using var gateways = await StartAsync(Settings);
        var source = IPAddress.Parse("127.0.0.24");
        using var clients = gateways.Clients(g => AbuseHttp.AdminClientFrom(g, source, "wrong-key"));

        var statuses = await BurstAsync(i => clients[i].GetAsync("admin/routes"));

        Assert.Equal(MaxFailures, statuses.Count(s => s == HttpStatusCode.Unauthorized));
        Assert.Equal(Burst - MaxFailures, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
        using var right = AbuseHttp.AdminClientFrom(gateways[gateways.Count - 1], source, GatewayInstance.ApiKeys["ops"].Key);
        using var locked = await right.GetAsync("admin/routes");
        Assert.Equal(HttpStatusCode.TooManyRequests, locked.StatusCode);
    }

    [Fact]
    public Task Addresses_of_one_IPv6_64_count_as_one_client() =>
        AssertOneNetworkIsOneClientAsync(Settings, i => $"2001:db8:1:2::{i:x}", sameNetwork: "2001:db8:1:2:ffff:ffff:ffff:ffff", otherNetwork: "2001:db8:1:3::1");

    [Fact]
    public Task An_IPv4_prefix_of_24_counts_a_whole_subnet_as_one_client() =>
        AssertOneNetworkIsOneClientAsync(
            AbuseHttp.Merge(Settings, new Dictionary<string, string?> { ["Latch:Lockout:IPv4Prefix"] = "24" }),
            i => $"192.0.2.{i}",
            sameNetwork: "192.0.2.200",
            otherNetwork: "192.0.3.1");

    /// <summary>
    /// Refuses <see cref="MaxFailures"/> guesses, each from another address of one network (<paramref name="guesser"/>
    /// of 1, 2, …): rotating through the network does not help, a valid code from <paramref name="sameNetwork"/> is
    /// locked out, and one from <paramref name="otherNetwork"/> is accepted.
    /// </summary>
    private async Task AssertOneNetworkIsOneClientAsync(
        IReadOnlyDictionary<string, string?> settings, Func<int, string> guesser, string sameNetwork, string otherNetwork)
    {
        await using var gateways = await StartAsync(settings);
        using var clients = gateways.ProxyClients(IPAddress.Loopback);

        for (var i = 1; i <= MaxFailures; i++)
        {
            using var refused = await clients[i].PresentAsync(LatchHttp.UniquePath(), LatchHttp.RandomCode(), null, ("X-Forwarded-For", guesser(i)));
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        var valid = await gateways[0].IssueAsync();
        using var fromSame = await clients[0].PresentAsync(LatchHttp.UniquePath(), valid.Code, null, ("X-Forwarded-For", sameNetwork));
        using var fromOther = await clients[1].PresentAsync(LatchHttp.UniquePath(), valid.Code, null, ("X-Forwarded-For", otherNetwork));

        await AbuseHttp.AssertLockedOutAsync(fromSame);
        Assert.Equal(HttpStatusCode.OK, fromOther.StatusCode);
    }

    /// <summary>Sends <see cref="Burst"/> requests at once; the statuses in the order of their index.</summary>
    private static async Task<HttpStatusCode[]> BurstAsync(Func<int, Task<HttpResponseMessage>> send)
    {
        using var start = new SemaphoreSlim(0);
        var requests = Enumerable.Range(0, Burst).Select(async i =>
        {
            await start.WaitAsync();
            using var response = await send(i);
            return response.StatusCode;
        }).ToList();
        start.Release(Burst);
        return await Task.WhenAll(requests);
    }

    private static void AssertRefusedExactly(HttpStatusCode[] statuses)
    {
        var summary = string.Join(",", statuses.Select(s => (int)s));
        Assert.True(statuses.Count(s => s == HttpStatusCode.Forbidden) == MaxFailures, $"403s other than {MaxFailures}: {summary}");
        Assert.True(statuses.Count(s => s == HttpStatusCode.TooManyRequests) == Burst - MaxFailures, $"429s other than {Burst - MaxFailures}: {summary}");
    }

    private static async Task AssertLiveAsync(GatewayInstance gateway, string codeId)
    {
        using var admin = gateway.CreateAdminClient();
        using var metadata = await admin.GetAsync($"admin/codes/{codeId}");
        Assert.Equal(HttpStatusCode.OK, metadata.StatusCode);
    }

    /// <summary>The gateways under test and, per request index, the client that sends it (spread over them).</summary>
    protected sealed class Gateways(IReadOnlyList<GatewayInstance> instances, IAsyncDisposable owner) : IAsyncDisposable
    {
        public int Count => instances.Count;

        public GatewayInstance this[int index] => instances[index];

        public ClientSet ProxyClients(IPAddress source) =>
            Clients(g => LatchHttp.CreateClientFrom(g.ProxyAddress, source, maxConnections: 50));

        public ClientSet Clients(Func<GatewayInstance, HttpClient> create) => new([.. instances.Select(create)]);

        public ValueTask DisposeAsync() => owner.DisposeAsync();
    }

    /// <summary>One client per gateway; request <c>i</c> goes to gateway <c>i % count</c>.</summary>
    protected sealed class ClientSet(IReadOnlyList<HttpClient> clients) : IDisposable
    {
        public HttpClient this[int index] => clients[index % clients.Count];

        public void Dispose()
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }
}

public sealed class MemoryLockoutBurstTests : LockoutBurstTests, IAsyncLifetime
{
    private TestBackend _backend = null!;

    protected override TestBackend Backend => _backend;

    public async Task InitializeAsync() => _backend = await TestBackend.StartAsync();

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    protected override async Task<Gateways> StartAsync(IReadOnlyDictionary<string, string?> settings)
    {
        var gateway = await GatewayInstance.StartAsync(_backend, settings);
        return new Gateways([gateway], gateway);
    }
}

public sealed class RedisLockoutBurstTests(RedisAndBackendFixture fixture) : LockoutBurstTests, IClassFixture<RedisAndBackendFixture>
{
    protected override TestBackend Backend => fixture.Backend;

    protected override async Task<Gateways> StartAsync(IReadOnlyDictionary<string, string?> settings)
    {
        var replicas = await fixture.StartReplicasAsync(2, settings);
        return new Gateways(replicas.All, replicas);
    }
}
