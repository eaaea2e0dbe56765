using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LatchGateway.Tests.Infrastructure;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace LatchGateway.Tests.Redis;

/// <summary>
/// An accepted presentation costs one round trip to Redis: the code's consume and the lookup of its presenter's
/// lockouts are sent together, before either is answered — counted by a relay between the gateway and Redis (turns:
/// what the gateway sends before Redis answers), and by Redis's own <c>INFO commandstats</c>. On a single node the
/// commands share one turn; on a Cluster, whose nodes announce the relays' ports, each node gets one turn and every
/// turn is sent before the first is answered. Refusals take a second round trip to count them.
/// </summary>
public abstract class PresentationRoundTripTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Presentations = 20;

    /// <summary>Commands the gateway sends on its own schedule (audit batches, keep-alives): not a presentation's.</summary>
    private static readonly HashSet<string> Background = ["XADD", "XTRIM", "PING", "ECHO"];

    /// <summary>The notification outbox's poll, once a second, is a script call on this key.</summary>
    private const string OutboxPoll = ":outbox:due";

    /// <summary>How long the relays hold each answer: far longer than sending two commands takes, however loaded the machine.</summary>
    protected static readonly TimeSpan AnswerDelay = TimeSpan.FromMilliseconds(50);

    private TestBackend _backend = null!;

    protected GatewayInstance Gateway { get; private set; } = null!;

    protected IReadOnlyList<PresentationRoundTripProxy> Proxies { get; set; } = [];

    /// <summary>The Redis nodes themselves (not the relays), for <c>INFO</c>.</summary>
    protected IReadOnlyList<string> Nodes { get; set; } = [];

    public async Task InitializeAsync()
    {
        _backend = await TestBackend.StartAsync();
        var connection = await StartRedisAsync();
        Gateway = await GatewayInstance.StartAsync(_backend, AbuseHttp.Merge(
            RedisSettings.For(connection),
            AbuseHttp.Lockout(3),
            TestJwt.Settings(),
            new Dictionary<string, string?>
            {
                // No sweep during the test: its commands would be turns of their own.
                ["Latch:Store:SweepInterval"] = "01:00:00",
                ["Latch:ForwardedHeaders:KnownProxies:0"] = "127.0.0.1",
            }));
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        foreach (var proxy in Proxies)
        {
            await proxy.DisposeAsync();
        }

        await StopRedisAsync();
        await _backend.DisposeAsync();
    }

    [Fact]
    public async Task An_accepted_presentation_is_one_round_trip_to_Redis()
    {
        using var client = LatchHttp.CreateClientFrom(Gateway.ProxyAddress, IPAddress.Parse("127.0.0.61"));
        await WarmUpAsync(client);
        var codes = new List<IssuedCode>();
        for (var i = 0; i < Presentations; i++)
        {
            codes.Add(await Gateway.IssueAsync());
        }

        var outer = Proxies.Select(p => p.Count).ToList();
        var before = await CommandStatsAsync();
        var inner = Proxies.Select(p => p.Count).ToList();
        foreach (var code in codes)
        {
            var turns = await PresentAsync(client, code.Code, null, HttpStatusCode.OK);
            AssertOneRoundTrip(turns, "PTTL");
        }

        var innerPolls = Polls(inner);
        var after = await CommandStatsAsync();
        var outerPolls = Polls(outer);
        var delta = after.Keys.Union(before.Keys)
            .Select(c => (Command: c, Calls: after.GetValueOrDefault(c) - before.GetValueOrDefault(c)))
            .Where(c => c.Calls > 0 && !c.Command.Equals("info", StringComparison.Ordinal))
            .ToDictionary(c => c.Command, c => c.Calls);
        output.WriteLine($"INFO commandstats over {Presentations} accepted presentations: {string.Join(", ", delta.OrderBy(d => d.Key).Select(d => $"{d.Key}={d.Value}"))}");

        // Besides the presentations' scripts, Redis ran the notification outbox's polls (seen by the relays, counted
        // from just after the first reading of the stats to just before the second, and from before it to after it).
        output.WriteLine($"outbox polls meanwhile: {innerPolls}–{outerPolls}");
        var scripts = delta.GetValueOrDefault("evalsha") + delta.GetValueOrDefault("eval");
        Assert.InRange(scripts, Presentations + innerPolls, Presentations + outerPolls);
        Assert.Equal(Presentations, delta.GetValueOrDefault("pttl"));
    }

    [Fact]
    public async Task An_accepted_presentation_by_a_signed_in_user_looks_up_client_and_user_in_the_same_round_trip()
    {
        using var client = LatchHttp.CreateClientFrom(Gateway.ProxyAddress, IPAddress.Parse("127.0.0.62"));
        await WarmUpAsync(client);
        var code = await Gateway.IssueAsync(user: "alice");

        var turns = await PresentAsync(client, code.Code, TestJwt.For("alice"), HttpStatusCode.OK);

        AssertOneRoundTrip(turns, "PTTL", "PTTL");
    }

    [Fact]
    public async Task A_refused_presentation_takes_a_second_round_trip_to_count_the_refusal()
    {
        using var client = LatchHttp.CreateClientFrom(Gateway.ProxyAddress, IPAddress.Parse("127.0.0.63"));
        await WarmUpAsync(client);

        var turns = await PresentAsync(client, LatchHttp.RandomCode(), null, HttpStatusCode.Forbidden);

        var rounds = SessionRoundTripRelays.Rounds(turns);
        Assert.Equal(2, rounds.Count);
        Assert.Equal(["EVALSHA", "PTTL"], rounds[0].SelectMany(t => t.Commands).Order());
        Assert.Equal(["EVALSHA"], rounds[1].SelectMany(t => t.Commands));
    }

    [Fact]
    public async Task A_valid_code_of_a_locked_out_client_is_answered_429_and_stays_live()
    {
        using var client = LatchHttp.CreateClientFrom(Gateway.ProxyAddress, IPAddress.Parse("127.0.0.64"));
        var code = await Gateway.IssueAsync();
        await client.RefuseAsync(3);

        using var locked = await client.PresentAsync(LatchHttp.UniquePath(), code.Code);

        await AbuseHttp.AssertLockedOutAsync(locked);
        using var admin = Gateway.CreateAdminClient();
        using var metadata = await admin.GetAsync($"admin/codes/{code.Id}");
        Assert.Equal(HttpStatusCode.OK, metadata.StatusCode);
    }

    protected abstract Task<string> StartRedisAsync();

    protected abstract Task StopRedisAsync();

    /// <summary>The notification outbox's polls the relays saw since <paramref name="marks"/>.</summary>
    private int Polls(List<int> marks) =>
        Proxies.Select((p, i) => p.Since(marks[i]).SelectMany(t => t.Commands).Count(c => c.EndsWith(OutboxPoll, StringComparison.Ordinal))).Sum();

    /// <summary>One round trip: every command of the presentation sent before Redis answered any, one turn per node.</summary>
    private void AssertOneRoundTrip(List<PresentationRoundTripProxy.Turn> turns, params string[] lookups)
    {
        output.WriteLine(string.Join(" | ", turns));
        Assert.Single(SessionRoundTripRelays.Rounds(turns));
        Assert.Equal(turns.Count, turns.Select(t => t.Connection).Distinct().Count());
        Assert.Equal(["EVALSHA", .. lookups], turns.SelectMany(t => t.Commands).Order());
    }

    /// <summary>Presents a code; the turns of the presentation, those of the gateway's own schedule left out.</summary>
    private async Task<List<PresentationRoundTripProxy.Turn>> PresentAsync(HttpClient client, string code, string? bearer, HttpStatusCode expected)
    {
        var marks = Proxies.Select(p => p.Count).ToList();
        using (var response = await client.PresentAsync(LatchHttp.UniquePath(), code, bearer))
        {
            Assert.Equal(expected, response.StatusCode);
        }

        return Proxies.SelectMany((p, i) => p.Since(marks[i]).Select(t => t with { Connection = (i * 1000) + t.Connection }))
            .Select(t => t with { Commands = [.. t.Commands.Where(IsPresentations).Select(Script)] })
            .Where(t => t.Commands.Count > 0)
            .ToList();
    }

    /// <summary>
    /// A script's first use on a node is <c>SCRIPT LOAD</c> and <c>EVAL</c> sent together (the same round trip), later
    /// ones <c>EVALSHA</c>: either is counted as the one script call it is (the load goes with it).
    /// </summary>
    private static string Script(string command) => command.StartsWith("EVAL", StringComparison.Ordinal) ? "EVALSHA" : command;

    private static bool IsPresentations(string command) =>
        !Background.Contains(command) && command != "SCRIPT" && !command.EndsWith(OutboxPoll, StringComparison.Ordinal);

    /// <summary>Loads the scripts (the first use of one is an EVAL) and connects to every node; one refusal counted.</summary>
    private async Task WarmUpAsync(HttpClient client)
    {
        // The gateway connects to the nodes it learns of from the first: presentations fail closed (503) until then.
        Assert.True(await LatchHttp.EventuallyAsync(
            async () =>
            {
                using var admin = Gateway.CreateAdminClient();
                using var issued = await admin.PostAsJsonAsync("admin/codes", new { route = "orders-admin" });
                if (issued.StatusCode != HttpStatusCode.Created)
                {
                    return false;
                }

                var code = JsonSerializer.Deserialize<IssuedCode>(await issued.Content.ReadAsStringAsync(), GatewayInstance.Json)!;
                using var response = await client.PresentAsync(LatchHttp.UniquePath(), code.Code);
                return response.StatusCode == HttpStatusCode.OK;
            },
            TimeSpan.FromSeconds(10)));
        using (var refused = await client.PresentAsync(LatchHttp.UniquePath(), LatchHttp.RandomCode()))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        for (var i = 0; i < 3; i++)
        {
            var code = await Gateway.IssueAsync();
            using var response = await client.PresentAsync(LatchHttp.UniquePath(), code.Code);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    /// <summary>Calls per command, summed over the nodes.</summary>
    private async Task<Dictionary<string, long>> CommandStatsAsync()
    {
        var calls = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var node in Nodes)
        {
            await using var redis = await ConnectionMultiplexer.ConnectAsync($"{node},allowAdmin=true");
            var info = await redis.GetServer(node).InfoAsync("commandstats");
            foreach (var (key, value) in info.SelectMany(g => g))
            {
                // cmdstat_evalsha: calls=20,usec=…
                var command = key.Replace("cmdstat_", "", StringComparison.Ordinal);
                var count = long.Parse(value.Split(',')[0]["calls=".Length..], System.Globalization.CultureInfo.InvariantCulture);
                calls[command] = calls.GetValueOrDefault(command) + count;
            }
        }

        return calls;
    }
}

/// <summary>On one Redis server.</summary>
public sealed class PresentationRoundTripSingleNodeTests(ITestOutputHelper output) : PresentationRoundTripTests(output)
{
    private RedisServer _redis = null!;

    protected override async Task<string> StartRedisAsync()
    {
        _redis = await RedisServer.StartAsync();
        var proxy = PresentationRoundTripProxy.Start(_redis.Port, AnswerDelay);
        Proxies = [proxy];
        Nodes = [_redis.Endpoint];
        return proxy.Endpoint;
    }

    protected override async Task StopRedisAsync() => await _redis.DisposeAsync();
}

/// <summary>On a three-master Redis Cluster whose nodes announce their relays' ports, so every command passes one.</summary>
public sealed class PresentationRoundTripClusterTests(ITestOutputHelper output) : PresentationRoundTripTests(output)
{
    private RedisCluster _cluster = null!;

    protected override async Task<string> StartRedisAsync()
    {
        _cluster = await RedisCluster.StartAsync();
        Nodes = _cluster.ConnectionString.Split(',');
        var ports = Nodes.Select(n => int.Parse(n.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Proxies = ports.Select(p => PresentationRoundTripProxy.Start(p, AnswerDelay)).ToList();
        for (var i = 0; i < ports.Count; i++)
        {
            await using var node = await ConnectionMultiplexer.ConnectAsync($"{Nodes[i]},allowAdmin=true");
            var server = node.GetServer(Nodes[i]);
            await server.ExecuteAsync("CONFIG", "SET", "cluster-announce-bus-port", (ports[i] + 10000).ToString(System.Globalization.CultureInfo.InvariantCulture));
            await server.ExecuteAsync("CONFIG", "SET", "cluster-announce-port", Proxies[i].Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        // Every node names the relays in its slot map before the gateway reads it.
        var relays = Proxies.Select(p => p.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToHashSet();
        await RedisServer.WaitUntilAsync(
            () => ports.All(p => SessionRoundTripRelays.SlotPorts(p).All(relays.Contains)),
            "the Redis Cluster nodes did not announce their relays' ports", 20_000);
        return string.Join(',', Proxies.Select(p => p.Endpoint));
    }

    protected override async Task StopRedisAsync() => await _cluster.DisposeAsync();
}
