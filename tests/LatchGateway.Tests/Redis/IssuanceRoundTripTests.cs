using LatchGateway.Tests.Infrastructure;
using Xunit.Abstractions;

namespace LatchGateway.Tests.Redis;

/// <summary>
/// What issuing a code asks of Redis, counted command by command with <c>redis-cli monitor</c>: one round trip per
/// code, and writes spread over the shards' keys rather than one index every issue writes.
/// </summary>
public sealed class IssuanceRoundTripTests(ITestOutputHelper output) : RedisTestBase
{
    private const int Codes = 200;

    private static readonly HashSet<string> Writes = new(StringComparer.Ordinal)
    {
        "hset", "set", "pexpire", "zadd", "zremrangebyscore", "del", "expire", "xadd", "incr", "sadd",
    };

    [Fact]
    public async Task Each_issue_is_one_command_to_the_code_store_and_none_of_its_keys_is_written_by_every_issue()
    {
        var prefix = $"issue-{Guid.NewGuid():N}";
        await using var gateway = await GatewayInstance.StartAsync(Backend, RedisSettings.For(Redis.Endpoint, prefix));
        await gateway.IssueAsync(); // the first issue also loads the script

        List<IssuanceRoundTripMonitor.Command> commands;
        await using (var monitor = await IssuanceRoundTripMonitor.StartAsync(Redis.Port))
        {
            for (var i = 0; i < Codes; i++)
            {
                await gateway.IssueAsync(user: $"user-{i % 5}");
            }

            commands = await monitor.StopAsync(Client.GetDatabase());
        }

        var sent = commands.Where(c => !c.FromScript).ToList();
        // Besides the code store, an admin request reads its client's lockout, and the audit writer appends the
        // event to the audit stream off the request path.
        output.WriteLine($"client commands while issuing {Codes} codes: " + string.Join(", ", sent
            .GroupBy(c => $"{c.Name} {Family(c, prefix)}")
            .Select(g => $"{g.Key}: {g.Count()}")));
        var codeSpace = new[] { $"{prefix}:code:", $"{prefix}:id:", $"{prefix}:index:" };
        bool NamesCodeKey(IssuanceRoundTripMonitor.Command c) =>
            c.Arguments.Any(a => codeSpace.Any(space => a.StartsWith(space, StringComparison.Ordinal)));

        var issues = sent.Where(NamesCodeKey).ToList();
        Assert.Equal(Codes, issues.Count);
        Assert.All(issues, c => Assert.Equal("evalsha", c.Name));

        var written = commands.Where(c => c.FromScript && Writes.Contains(c.Name) && NamesCodeKey(c))
            .GroupBy(c => c.Arguments[0], StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var indexes = written.Keys.Where(k => k.StartsWith(codeSpace[2], StringComparison.Ordinal)).ToList();
        var busiest = written.MaxBy(w => w.Value);
        output.WriteLine($"keys written: {written.Count}, of them shard indexes: {indexes.Count}; busiest: {busiest.Key} ({busiest.Value} writes)");

        // Each issue writes its code, its id and one of 32 shard indexes (a sorted set, 3 writes per issue).
        Assert.Equal(Codes * 2 + indexes.Count, written.Count);
        Assert.InRange(indexes.Count, 24, 32);
        Assert.All(indexes, index => Assert.InRange(written[index], 3, 3 * Codes / 8));
    }

    /// <summary>The kind of key a command names first (<c>code</c>, <c>index</c>, <c>audit</c>…), without the prefix and hash tag.</summary>
    private static string Family(IssuanceRoundTripMonitor.Command command, string prefix) =>
        command.Arguments.FirstOrDefault(a => a.StartsWith(prefix + ":", StringComparison.Ordinal)) is { } key
            ? key[(prefix.Length + 1)..].Split(':', '{')[0]
            : "-";
}
