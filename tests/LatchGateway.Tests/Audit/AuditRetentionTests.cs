using System.Globalization;
using LatchGateway.Audit;
using LatchGateway.Tests.Infrastructure;
using StackExchange.Redis;

namespace LatchGateway.Tests.Audit;

/// <summary>
/// Retention of the Redis audit stream: by age (<c>Latch:Audit:StreamMaxAge</c>, 7 days by default) and by length
/// (<c>Latch:Audit:StreamMaxLength</c>). A stream that has run for days is made by writing events into it as a
/// gateway did then (stream ids carry the time they were written), then the gateway writes new ones.
/// </summary>
public sealed class AuditRetentionTests : RedisTestBase
{
    [Fact]
    public async Task Events_older_than_the_max_age_are_gone_once_newer_ones_are_written_and_younger_ones_stay()
    {
        var prefix = $"age-{Guid.NewGuid():N}";
        var now = DateTimeOffset.UtcNow;
        await SeedAsync(prefix, now - TimeSpan.FromDays(9), 300, "old");
        await SeedAsync(prefix, now - TimeSpan.FromDays(6), 50, "kept");
        await using var gateway = await StartAsync(prefix);

        var marker = await gateway.IssueAsync();
        using var admin = gateway.CreateAdminClient();
        await AuditHttp.WaitForEventAsync(admin, "issued", marker.Id);

        var listed = await AuditHttp.GetEventsAsync(admin, "?limit=1000");
        Assert.Equal(marker.Id, listed[0].Str("codeId"));
        Assert.DoesNotContain(listed, e => e.Str("reason") == "old");
        Assert.Equal(50, listed.Count(e => e.Str("reason") == "kept"));
        Assert.Equal(listed.Select(e => e.Time()).OrderDescending(), listed.Select(e => e.Time()));
        var exported = await admin.GetStringAsync("admin/audit/export");
        Assert.DoesNotContain("\"old\"", exported, StringComparison.Ordinal);
        Assert.Equal(51, await Client.GetDatabase().StreamLengthAsync($"{prefix}:audit"));
    }

    [Fact]
    public async Task With_no_age_limit_old_events_stay()
    {
        var prefix = $"noage-{Guid.NewGuid():N}";
        await SeedAsync(prefix, DateTimeOffset.UtcNow - TimeSpan.FromDays(400), 20, "old");
        await using var gateway = await StartAsync(prefix, new() { ["Latch:Audit:StreamMaxAge"] = "0" });

        var marker = await gateway.IssueAsync();
        using var admin = gateway.CreateAdminClient();
        await AuditHttp.WaitForEventAsync(admin, "issued", marker.Id);

        Assert.Equal(20, (await AuditHttp.GetEventsAsync(admin, "?limit=1000")).Count(e => e.Str("reason") == "old"));
    }

    [Fact]
    public async Task The_length_cap_holds_besides_the_age_and_the_newest_events_are_read_first()
    {
        var prefix = $"both-{Guid.NewGuid():N}";
        await SeedAsync(prefix, DateTimeOffset.UtcNow - TimeSpan.FromDays(8), 200, "old");
        await using var gateway = await StartAsync(prefix, new() { ["Latch:Audit:StreamMaxLength"] = "100" });
        var issued = new List<string>();
        for (var i = 0; i < 150; i++)
        {
            issued.Add((await gateway.IssueAsync()).Id);
        }

        using var admin = gateway.CreateAdminClient();
        await AuditHttp.WaitForEventAsync(admin, "issued", issued[^1]);

        // MAXLEN ~ is approximate: Redis drops whole nodes of the stream, so a little more than 100 may remain.
        var length = await Client.GetDatabase().StreamLengthAsync($"{prefix}:audit");
        Assert.InRange(length, 100, 149);
        var listed = await AuditHttp.GetEventsAsync(admin, "?limit=1000");
        Assert.Equal(length, listed.Count);
        Assert.DoesNotContain(listed, e => e.Str("reason") == "old");
        Assert.Equal(issued.AsEnumerable().Reverse().Take(listed.Count), listed.Select(e => e.Str("codeId")));
    }

    [Theory]
    [InlineData("00:00:30")]
    [InlineData("-00:01:00")]
    [InlineData("3651.00:00:00")]
    public void A_max_age_out_of_bounds_is_refused_naming_the_key(string age)
    {
        var result = new LatchAuditOptionsValidator().Validate(null, new LatchAuditOptions { StreamMaxAge = TimeSpan.Parse(age, CultureInfo.InvariantCulture) });
        Assert.True(result.Failed);
        Assert.Contains("Latch:Audit:StreamMaxAge", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("00:01:00")]
    [InlineData("7.00:00:00")]
    [InlineData("3650.00:00:00")]
    public void A_max_age_of_zero_or_in_bounds_is_accepted(string age) =>
        Assert.True(new LatchAuditOptionsValidator().Validate(null, new LatchAuditOptions { StreamMaxAge = TimeSpan.Parse(age, CultureInfo.InvariantCulture) }).Succeeded);

    /// <summary>Writes <paramref name="count"/> events a gateway wrote at <paramref name="at"/>, with ids of that time, as Redis gives them.</summary>
    private async Task SeedAsync(string prefix, DateTimeOffset at, int count, string reason)
    {
        var db = Client.GetDatabase();
        var ms = at.ToUnixTimeMilliseconds();
        for (var i = 0; i < count; i++)
        {
            var record = new AuditRecord(at.AddMilliseconds(i), "rejected", null, "orders-admin", null, "203.0.113.7", reason, null, null);
            await db.StreamAddAsync($"{prefix}:audit", "e", AuditJson.Serialize(record), messageId: $"{ms + i}-0");
        }
    }

    private Task<GatewayInstance> StartAsync(string prefix, Dictionary<string, string?>? extra = null)
    {
        var settings = RedisSettings.For(Redis.Endpoint, prefix);
        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value;
        }

        return GatewayInstance.StartAsync(Backend, settings);
    }
}
