using LatchGateway.Admin.Audit;
using LatchGateway.Audit;
using LatchGateway.Contracts;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Options;

namespace LatchGateway.Tests.Audit;

/// <summary>The JSON-lines sink on its own, in a temporary folder: rotation, reads across files, torn lines.</summary>
public sealed class FileAuditSinkTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 31, 12, 0, 0, TimeSpan.Zero);

    private readonly string _folder = Directory.CreateTempSubdirectory("latch-audit-sink-").FullName;

    private string AuditPath => Path.Combine(_folder, "audit.jsonl");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Writes_one_json_line_per_event_with_the_contract_members()
    {
        using var sink = NewSink();

        await sink.WriteAsync([Event(0, reason: "INC-1"), Event(1, type: AuditEventTypes.Rejected, reason: "used")], CancellationToken.None);

        var lines = File.ReadAllText(AuditPath).Split('\n');
        Assert.Equal(3, lines.Length);
        Assert.Equal("", lines[2]);
        using var first = System.Text.Json.JsonDocument.Parse(lines[0]);
        Assert.Equal(Infrastructure.AuditHttp.Members, first.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal("INC-1", first.RootElement.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Query_returns_the_newest_first_across_rotated_files_up_to_the_limit()
    {
        using var sink = NewSink();
        var events = Enumerable.Range(0, 50).Select(i => Event(i)).ToList();
        foreach (var chunk in events.Chunk(7))
        {
            await sink.WriteAsync(chunk, CancellationToken.None);
        }

        Assert.True(File.Exists(Rotated(2)), "the test needs at least two rotated files");
        Assert.False(File.Exists(Rotated(4)));

        var thirty = await QueryAsync(sink, new AuditQuery(30, null, null, null, null));
        var all = await QueryAsync(sink, new AuditQuery(1000, null, null, null, null));
        var one = await QueryAsync(sink, new AuditQuery(1, null, null, null, null));

        Assert.Equal(events.AsEnumerable().Reverse().Take(30), thirty);
        Assert.Equal(events.AsEnumerable().Reverse(), all);
        Assert.Equal([events[^1]], one);
    }

    [Fact]
    public async Task Rotation_deletes_files_beyond_MaxFiles_and_their_events()
    {
        using var sink = NewSink();
        var events = Enumerable.Range(0, 150).Select(i => Event(i)).ToList();
        foreach (var audit in events)
        {
            await sink.WriteAsync([audit], CancellationToken.None);
        }

        Assert.Equal(["audit.1.jsonl", "audit.2.jsonl", "audit.3.jsonl", "audit.jsonl"], Directory.GetFiles(_folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.All(Directory.GetFiles(_folder), f => Assert.InRange(new FileInfo(f).Length, 1, 4096));

        var all = await QueryAsync(sink, new AuditQuery(1000, null, null, null, null));
        Assert.InRange(all.Count, 20, 149);
        Assert.Equal(events.AsEnumerable().Reverse().Take(all.Count), all);
        var exported = await ExportAsync(sink, null, null);
        Assert.Equal(events.Skip(events.Count - all.Count), exported);
    }

    [Fact]
    public async Task Query_filters_by_route_user_type_and_since_across_files()
    {
        using var sink = NewSink();
        var events = Enumerable.Range(0, 60).Select(i => Event(
            i,
            route: i % 2 == 0 ? "orders-admin" : "exports",
            user: i % 3 == 0 ? "alice" : null,
            type: i % 5 == 0 ? AuditEventTypes.Revoked : AuditEventTypes.Issued)).ToList();
        await sink.WriteAsync(events, CancellationToken.None);

        Assert.Equal(
            events.Where(e => e.Route == "exports" && e.User == "alice").Reverse(),
            await QueryAsync(sink, new AuditQuery(1000, "exports", "alice", null, null)));
        Assert.Equal(
            events.Where(e => e.Type == AuditEventTypes.Revoked).Reverse().Take(5),
            await QueryAsync(sink, new AuditQuery(5, null, null, AuditEventTypes.Revoked, null)));
        Assert.Equal(
            events.Where(e => e.Time >= T0.AddSeconds(10)).Reverse(),
            await QueryAsync(sink, new AuditQuery(1000, null, null, null, T0.AddSeconds(10))));
    }

    [Fact]
    public async Task Export_returns_the_oldest_first_from_since_inclusive_to_until_exclusive_across_files()
    {
        using var sink = NewSink();
        var events = Enumerable.Range(0, 50).Select(i => Event(i)).ToList();
        await sink.WriteAsync(events, CancellationToken.None);
        Assert.True(File.Exists(Rotated(1)), "the test needs a rotated file");

        Assert.Equal(events.Skip(5).Take(35), await ExportAsync(sink, T0.AddSeconds(5), T0.AddSeconds(40)));
        Assert.Equal(events, await ExportAsync(sink, null, null));
        Assert.Equal(events.Skip(45), await ExportAsync(sink, T0.AddSeconds(45), null));
        Assert.Equal(events.Take(3), await ExportAsync(sink, null, T0.AddSeconds(3)));
        Assert.Empty(await ExportAsync(sink, T0.AddSeconds(7), T0.AddSeconds(7)));
    }

    [Fact]
    public async Task Query_with_since_stops_reading_older_files_once_it_passed_since()
    {
        using var sink = NewSink();
        var events = Enumerable.Range(0, 50).Select(i => Event(i)).ToList();
        await sink.WriteAsync(events, CancellationToken.None);
        var oldest = Enumerable.Range(1, 3).Select(Rotated).Last(File.Exists);

        // A planted event in the oldest file that would match: only a query that reads that file can return it.
        var planted = Event(1000, reason: "planted");
        await File.AppendAllTextAsync(oldest, System.Text.Encoding.UTF8.GetString(AuditJson.Serialize(planted)) + "\n");

        var recent = await QueryAsync(sink, new AuditQuery(1000, null, null, null, T0.AddSeconds(45)));
        var everything = await QueryAsync(sink, new AuditQuery(1000, null, null, null, null));

        Assert.Equal(events.Skip(45).Reverse(), recent);
        Assert.Contains(planted, everything);
    }

    [Fact]
    public async Task A_torn_line_is_skipped_by_query_and_export()
    {
        using (var sink = NewSink())
        {
            await sink.WriteAsync([Event(0), Event(1)], CancellationToken.None);
        }

        await File.AppendAllTextAsync(AuditPath, "{\"time\":\"2026-01-31T12:00:02+00:00\",\"ty");
        using var reopened = NewSink();

        Assert.Equal([Event(1), Event(0)], await QueryAsync(reopened, new AuditQuery(100, null, null, null, null)));
        Assert.Equal([Event(0), Event(1)], await ExportAsync(reopened, null, null));
    }

    [Fact]
    public async Task Lines_that_are_not_events_in_the_middle_are_skipped()
    {
        using var sink = NewSink();
        await sink.WriteAsync([Event(0)], CancellationToken.None);
        await File.AppendAllTextAsync(AuditPath, "not json\n\n[1,2]\n{\"time\":\"yesterday\"}\n");
        await sink.WriteAsync([Event(1)], CancellationToken.None);

        Assert.Equal([Event(1), Event(0)], await QueryAsync(sink, new AuditQuery(100, null, null, null, null)));
        Assert.Equal([Event(0), Event(1)], await ExportAsync(sink, null, null));
    }

    [Fact]
    public async Task An_event_written_after_a_torn_last_line_is_not_lost()
    {
        using (var sink = NewSink())
        {
            await sink.WriteAsync([Event(0)], CancellationToken.None);
        }

        // The gateway crashed mid-write: the last line has no end. The next process appends to the same file.
        await File.AppendAllTextAsync(AuditPath, "{\"time\":\"2026-01-31T12:00:01+00:00\",\"ty");
        using var reopened = NewSink();
        await reopened.WriteAsync([Event(2)], CancellationToken.None);

        Assert.Equal([Event(2), Event(0)], await QueryAsync(reopened, new AuditQuery(100, null, null, null, null)));
    }

    [Fact]
    public async Task A_missing_file_reads_as_empty()
    {
        using var sink = NewSink();

        Assert.Empty(await QueryAsync(sink, new AuditQuery(100, null, null, null, null)));
        Assert.Empty(await ExportAsync(sink, null, null));
    }

    private FileAuditSink NewSink() => new(
        Options.Create(new LatchAuditOptions { Path = "audit.jsonl", MaxFileBytes = 4096, MaxFiles = 3 }),
        new HostingEnvironment { ContentRootPath = _folder });

    private string Rotated(int index) => Path.Combine(_folder, $"audit.{index}.jsonl");

    /// <summary>An event <paramref name="second"/> seconds after T0, padded so about 20 fit in 4 KiB.</summary>
    private static AuditRecord Event(int second, string route = "orders-admin", string? user = null, string type = AuditEventTypes.Issued, string? reason = null) => new(
        T0.AddSeconds(second),
        type,
        $"code{second:D16}",
        route,
        user,
        "127.0.0.1",
        reason ?? $"event {second:D4}",
        "ops",
        "0af7651916cd43dd8448eb211c80319c");

    private static async Task<List<AuditRecord>> QueryAsync(FileAuditSink sink, AuditQuery query)
    {
        var events = new List<AuditRecord>();
        await foreach (var audit in sink.QueryAsync(query, CancellationToken.None))
        {
            events.Add(audit);
        }

        return events;
    }

    private static async Task<List<AuditRecord>> ExportAsync(FileAuditSink sink, DateTimeOffset? since, DateTimeOffset? until)
    {
        var events = new List<AuditRecord>();
        await foreach (var audit in sink.ExportAsync(since, until, CancellationToken.None))
        {
            events.Add(audit);
        }

        return events;
    }
}
