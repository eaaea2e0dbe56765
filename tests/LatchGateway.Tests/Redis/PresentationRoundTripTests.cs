using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LatchGateway.Tests.Infrastructure;
using Xunit.Abstractions;

namespace LatchGateway.Tests.Redis;

/// <summary>
/// An accepted presentation costs one round trip to Redis: the code's consume and the lookup of its presenter's
/// lockouts are sent together, before either is answered — counted by a relay between the gateway and Redis (turns:
/// what the gateway sends before Redis answers), and by Redis's own <c>INFO commandstats</c>. On a single node the
/// commands share one turn; on a Cluster, whose nodes announce the relays' ports, each node gets one turn and every
/// turn is sent before the first is answered. Refusals take a second round trip to count them.
/// </summary>
public abstract class PresentationRoundTripTests(ITestOutputHelper output) : RelayedGatewayTests
{
    private const int Presentations = 20;

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = AbuseHttp.Merge(
        TestJwt.Settings(),
        new Dictionary<string, string?> { ["Latch:ForwardedHeaders:KnownProxies:0"] = "127.0.0.1" });

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

        var outer = Relays.Marks();
        var before = CommandStats();
        var inner = Relays.Marks();
        foreach (var code in codes)
        {
            var turns = await PresentAsync(client, code.Code, null, HttpStatusCode.OK);
            AssertOneRoundTrip(turns, "PTTL");
        }

        var innerPolls = Relays.OutboxPollsSince(inner);
        var after = CommandStats();
        var outerPolls = Relays.OutboxPollsSince(outer);
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

        var rounds = RoundTripRelays.Rounds(turns);
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

    /// <summary>One round trip: every command of the presentation sent before Redis answered any, one turn per node.</summary>
    private void AssertOneRoundTrip(List<RedisRelay.Turn> turns, params string[] lookups)
    {
        output.WriteLine(string.Join(" | ", turns));
        Assert.Single(RoundTripRelays.Rounds(turns));
        Assert.Equal(turns.Count, turns.Select(t => t.Connection).Distinct().Count());
        Assert.Equal(["EVALSHA", .. lookups], turns.SelectMany(t => t.Commands).Order());
    }

    /// <summary>
    /// Presents a code; the turns of the presentation, those of the gateway's own schedule left out, by command name
    /// (a script's first use on a node, <c>SCRIPT LOAD</c> and <c>EVAL</c> sent together, counted as the one script call
    /// it is).
    /// </summary>
    private async Task<List<RedisRelay.Turn>> PresentAsync(HttpClient client, string code, string? bearer, HttpStatusCode expected)
    {
        var turns = await Relays.TurnsOf(async () =>
        {
            using var response = await client.PresentAsync(LatchHttp.UniquePath(), code, bearer);
            Assert.Equal(expected, response.StatusCode);
        });
        return [.. turns.Select(t => t with { Commands = [.. t.Commands.Select(RoundTripRelays.Name)] })];
    }

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

    /// <summary>Calls per command, summed over the nodes (<c>INFO commandstats</c>).</summary>
    private Dictionary<string, long> CommandStats()
    {
        var calls = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var port in Relays.Ports)
        {
            // cmdstat_evalsha:calls=20,usec=…
            foreach (var line in RedisCli.Run(port, "info", "commandstats").Split('\n').Where(l => l.StartsWith("cmdstat_", StringComparison.Ordinal)))
            {
                var (command, stats) = (line["cmdstat_".Length..line.IndexOf(':', StringComparison.Ordinal)], line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..]);
                var count = long.Parse(stats.Split(',')[0]["calls=".Length..], System.Globalization.CultureInfo.InvariantCulture);
                calls[command] = calls.GetValueOrDefault(command) + count;
            }
        }

        return calls;
    }
}

/// <summary>On one Redis server.</summary>
public sealed class PresentationRoundTripSingleNodeTests(ITestOutputHelper output) : PresentationRoundTripTests(output)
{
    protected override Task<RoundTripRelays> StartRedisAsync() => RoundTripRelays.StartSingleNodeAsync();
}

/// <summary>On a three-master Redis Cluster whose nodes announce their relays' ports, so every command passes one.</summary>
public sealed class PresentationRoundTripClusterTests(ITestOutputHelper output) : PresentationRoundTripTests(output)
{
    protected override Task<RoundTripRelays> StartRedisAsync() => RoundTripRelays.StartClusterAsync();
}
