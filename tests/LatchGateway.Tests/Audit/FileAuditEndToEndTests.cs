using System.Net;
using System.Text.Json;
using LatchGateway.Tests.Infrastructure;

namespace LatchGateway.Tests.Audit;

/// <summary>
/// The file sink of the memory-store deployment, through the real gateway: events survive a restart, rotation
/// keeps the newest events readable, and a line torn by a crash does not break reading.
/// </summary>
public sealed class FileAuditEndToEndTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("latch-audit-e2e-").FullName;
    private TestBackend _backend = null!;

    private string AuditPath => Path.Combine(_folder, "audit.jsonl");

    public async Task InitializeAsync() => _backend = await TestBackend.StartAsync();

    public async Task DisposeAsync()
    {
        await _backend.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Events_survive_a_restart_of_the_gateway()
    {
        IssuedCode code;
        await using (var first = await StartAsync())
        {
            code = await AuditHttp.IssueAsync(first, new { route = "orders-admin", reason = "before restart" });
            Assert.Equal(HttpStatusCode.OK, await AuditHttp.PresentAsync(first, code.Code));
            Assert.Equal(HttpStatusCode.Forbidden, await AuditHttp.PresentAsync(first, code.Code));
        }

        await using var second = await StartAsync();
        using var admin = second.CreateAdminClient();

        var events = await AuditHttp.GetEventsAsync(admin);
        Assert.Equal(["rejected", "accepted", "issued"], events.Where(e => e.Str("codeId") == code.Id).Select(e => e.Str("type")));
        Assert.Equal("before restart", events.Single(e => e.Str("type") == "issued").Str("reason"));
        var exported = ExportLines(await admin.GetStringAsync("admin/audit/export"));
        Assert.Equal(["issued", "accepted", "rejected"], exported.Where(e => e.Str("codeId") == code.Id).Select(e => e.Str("type")));
    }

    [Fact]
    public async Task Rotation_keeps_at_most_MaxFiles_rotated_files_and_the_newest_events_readable_in_order()
    {
        var issued = new List<string>();
        await using var gateway = await StartAsync(new() { ["Latch:Audit:MaxFileBytes"] = "4096", ["Latch:Audit:MaxFiles"] = "3" });
        for (var i = 0; i < 120; i++)
        {
            issued.Add((await AuditHttp.IssueAsync(gateway, new { route = "orders-admin", reason = $"rotation {i:D3}" })).Id);
        }

        using var admin = gateway.CreateAdminClient();
        await AuditHttp.WaitForEventAsync(admin, "issued", issued[^1]);

        Assert.True(File.Exists(AuditPath));
        for (var i = 1; i <= 3; i++)
        {
            Assert.True(File.Exists(Rotated(i)), $"{Rotated(i)} missing; folder holds {string.Join(", ", Directory.GetFiles(_folder).Select(Path.GetFileName))}");
        }

        Assert.False(File.Exists(Rotated(4)), "more rotated files than Latch:Audit:MaxFiles");
        Assert.Equal(4, Directory.GetFiles(_folder).Length);
        Assert.All(Directory.GetFiles(_folder), f => Assert.InRange(new FileInfo(f).Length, 1, 4096));

        var kept = Directory.GetFiles(_folder).Sum(f => ReadShared(f).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        var listed = await AuditHttp.GetEventsAsync(admin, "?limit=1000");
        Assert.Equal(kept, listed.Count);
        Assert.InRange(listed.Count, 40, 119);
        Assert.Equal(issued.AsEnumerable().Reverse().Take(listed.Count), listed.Select(e => e.Str("codeId")));
        Assert.DoesNotContain(listed, e => e.Str("codeId") == issued[0]);

        var exported = ExportLines(await admin.GetStringAsync("admin/audit/export"));
        Assert.Equal(issued.Skip(issued.Count - listed.Count), exported.Select(e => e.Str("codeId")));
    }

    [Fact]
    public async Task A_torn_last_line_is_skipped_when_reading_not_a_500()
    {
        IssuedCode code;
        await using (var first = await StartAsync())
        {
            code = await first.IssueAsync();
            Assert.Equal(HttpStatusCode.OK, await AuditHttp.PresentAsync(first, code.Code));
        }

        await File.AppendAllTextAsync(AuditPath, "{\"time\":\"2026-01-31T12:00:00.000+00:00\",\"type\":\"iss");
        await using var second = await StartAsync();
        using var admin = second.CreateAdminClient();

        using var listed = await admin.GetAsync("admin/audit");
        using var exported = await admin.GetAsync("admin/audit/export");
        using var csv = await admin.GetAsync("admin/audit/export?format=csv");

        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        var events = JsonSerializer.Deserialize<List<JsonElement>>(await listed.Content.ReadAsStringAsync())!;
        Assert.Equal(["accepted", "issued"], events.Select(e => e.Str("type")));
        Assert.Equal(HttpStatusCode.OK, exported.StatusCode);
        Assert.Equal(["issued", "accepted"], ExportLines(await exported.Content.ReadAsStringAsync()).Select(e => e.Str("type")));
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        Assert.Equal(3, AuditHttp.ParseCsv(await csv.Content.ReadAsStringAsync()).Count);
    }

    [Fact]
    public async Task An_event_recorded_after_restarting_on_a_torn_last_line_is_kept()
    {
        await using (var first = await StartAsync())
        {
            await first.IssueAsync();
        }

        await File.AppendAllTextAsync(AuditPath, "{\"time\":\"2026-01-31T12:00:00.000+00:00\",\"type\":\"iss");
        await using var second = await StartAsync();
        var code = await second.IssueAsync();
        using var admin = second.CreateAdminClient();

        // The torn line must not swallow the first event written after the restart.
        var events = await AuditHttp.WaitForEventsAsync(
            admin, "", e => e.Any(x => x.Str("codeId") == code.Id), $"the issue after the restart (file:\n{ReadShared(AuditPath)})");
        Assert.Equal(2, events.Count);
    }

    private Task<GatewayInstance> StartAsync(Dictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>(GatewayFixture.NoLockout) { ["Latch:Audit:Path"] = AuditPath };
        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value;
        }

        return GatewayInstance.StartAsync(_backend, settings);
    }

    private string Rotated(int index) => Path.Combine(_folder, $"audit.{index}.jsonl");

    private static string ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static List<JsonElement> ExportLines(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonSerializer.Deserialize<JsonElement>(line)).ToList();
}
