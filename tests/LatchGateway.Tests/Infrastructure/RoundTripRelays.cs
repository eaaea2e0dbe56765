using System.Globalization;

namespace LatchGateway.Tests.Infrastructure;

/// <summary>
/// Redis behind counting relays (<see cref="RedisRelay"/>), for the round-trip tests of presentations, sessions and
/// the admin API: one server behind one relay, or a three-master Cluster whose nodes announce their relays' ports, so
/// every command the gateway sends passes a relay. <see cref="TurnsOf"/> gives the turns one request made, the
/// gateway's own schedule left out; <see cref="Rounds"/> groups them in round trips.
/// </summary>
public sealed class RoundTripRelays : IAsyncDisposable
{
    /// <summary>How long the relays hold each answer: far longer than sending two commands takes, however loaded the machine.</summary>
    public static readonly TimeSpan AnswerDelay = TimeSpan.FromMilliseconds(50);

    /// <summary>Commands the gateway sends on its own schedule (audit batches, keep-alives): not a request's.</summary>
    private static readonly HashSet<string> Background = ["XADD", "XTRIM", "PING", "ECHO", "SCRIPT"];

    /// <summary>The notification outbox's poll, once a second, is a script call on this key.</summary>
    private const string OutboxPoll = ":outbox:due";

    private readonly Func<ValueTask> _stop;

    private RoundTripRelays(IReadOnlyList<RedisRelay> relays, IReadOnlyList<int> ports, Func<ValueTask> stop)
    {
        Relays = relays;
        Ports = ports;
        _stop = stop;
    }

    public IReadOnlyList<RedisRelay> Relays { get; }

    /// <summary>The Redis nodes' own ports (not the relays'), for <see cref="RedisCli"/>.</summary>
    public IReadOnlyList<int> Ports { get; }

    /// <summary>The connection string the gateway is given: the relays.</summary>
    public string ConnectionString => string.Join(',', Relays.Select(p => p.Endpoint));

    public static async Task<RoundTripRelays> StartSingleNodeAsync()
    {
        var redis = await RedisServer.StartAsync();
        return new RoundTripRelays([RedisRelay.Start(redis.Port, AnswerDelay)], [redis.Port], redis.DisposeAsync);
    }

    public static async Task<RoundTripRelays> StartClusterAsync()
    {
        var cluster = await RedisCluster.StartAsync();
        var ports = cluster.Ports;
        var relays = ports.Select(p => RedisRelay.Start(p, AnswerDelay)).ToList();
        for (var i = 0; i < ports.Count; i++)
        {
            RedisCli.Run(ports[i], "config", "set", "cluster-announce-bus-port", (ports[i] + 10000).ToString(CultureInfo.InvariantCulture));
            RedisCli.Run(ports[i], "config", "set", "cluster-announce-port", relays[i].Port.ToString(CultureInfo.InvariantCulture));
        }

        // Every node names the relays in its slot map before the gateway reads it.
        var relayPorts = relays.Select(r => r.Port.ToString(CultureInfo.InvariantCulture)).ToHashSet();
        await RedisServer.WaitUntilAsync(
            () => ports.All(p => SlotPorts(p).All(relayPorts.Contains)),
            "the Redis Cluster nodes did not announce their relays' ports", 20_000);
        return new RoundTripRelays(relays, ports, cluster.DisposeAsync);
    }

    /// <summary>
    /// Runs <paramref name="request"/> and returns the turns it made on every relay (commands of the gateway's own
    /// schedule left out; a script's first use, <c>EVAL</c>, counted as the <c>EVALSHA</c> it stands for).
    /// </summary>
    public async Task<List<RedisRelay.Turn>> TurnsOf(Func<Task> request)
    {
        var marks = Relays.Select(p => p.Count).ToList();
        await request();
        return Relays.SelectMany((p, i) => p.Since(marks[i]).Select(t => t with { Connection = (i * 1000) + t.Connection }))
            .Select(t => t with { Commands = [.. t.Commands.Where(IsRequests).Select(Script)] })
            .Where(t => t.Commands.Count > 0)
            .ToList();
    }

    /// <summary>
    /// The turns grouped in round trips: a turn started after an answer to a turn of the current round trip came
    /// (held <see cref="AnswerDelay"/>) starts the next.
    /// </summary>
    public static List<List<RedisRelay.Turn>> Rounds(IEnumerable<RedisRelay.Turn> turns)
    {
        var rounds = new List<List<RedisRelay.Turn>>();
        foreach (var turn in turns.OrderBy(t => t.Started))
        {
            if (rounds.Count == 0 || rounds[^1].Any(t => t.Answered != 0 && t.Answered <= turn.Started))
            {
                rounds.Add([]);
            }

            rounds[^1].Add(turn);
        }

        return rounds;
    }

    /// <summary>The commands of each round trip, each round's sorted, for messages and assertions.</summary>
    public static List<string> Describe(IEnumerable<RedisRelay.Turn> turns) =>
        Rounds(turns).Select(r => string.Join(' ', r.SelectMany(t => t.Commands).Select(Name).Order(StringComparer.Ordinal))).ToList();

    public async ValueTask DisposeAsync()
    {
        foreach (var relay in Relays)
        {
            await relay.DisposeAsync();
        }

        await _stop();
    }

    /// <summary>How many commands each relay saw so far: marks for <see cref="OutboxPollsSince"/>.</summary>
    public List<int> Marks() => [.. Relays.Select(p => p.Count)];

    /// <summary>The notification outbox's polls the relays saw since <paramref name="marks"/>.</summary>
    public int OutboxPollsSince(List<int> marks) =>
        Relays.Select((p, i) => p.Since(marks[i]).SelectMany(t => t.Commands).Count(c => c.EndsWith(OutboxPoll, StringComparison.Ordinal))).Sum();

    /// <summary>A command without the key a script call names (<c>EVALSHA latch:session:…</c> → <c>EVALSHA</c>).</summary>
    public static string Name(string command) => command.Split(' ')[0];

    private static string Script(string command) =>
        command.StartsWith("EVAL ", StringComparison.Ordinal) ? "EVALSHA" + command["EVAL".Length..] : command;

    private static bool IsRequests(string command) =>
        !Background.Contains(Name(command)) && !command.EndsWith(OutboxPoll, StringComparison.Ordinal);

    /// <summary>The client ports of every node as the node on <paramref name="port"/> knows them (<c>CLUSTER NODES</c>).</summary>
    private static List<string> SlotPorts(int port) =>
        RedisCli.Run(port, "cluster", "nodes").Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(' ')[1].Split('@')[0].Split(':')[1])
            .ToList();
}
