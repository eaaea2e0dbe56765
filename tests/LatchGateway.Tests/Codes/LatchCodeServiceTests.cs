using LatchGateway.Contracts;
using LatchGateway.Tests.Infrastructure;
using System.Diagnostics.Metrics;
using System.Net;
using LatchGateway.Admin;
using LatchGateway.Codes;
using LatchGateway.Diagnostics;
using LatchGateway.Sessions;
using LatchGateway.Store;
using LatchGateway.Tests.Hosting;
using LatchGateway.Tests.Store;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace LatchGateway.Tests.Codes;

public sealed class LatchCodeServiceTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero));
    private readonly TestTelemetry _telemetry;
    private readonly InMemoryLatchStore _store;
    private readonly InMemorySessionStore _sessions;
    private readonly LatchSessionService _sessionService;
    private readonly LatchCodeService _service;

    public LatchCodeServiceTests()
    {
        _telemetry = new TestTelemetry(_time);
        _store = new InMemoryLatchStore(_time);
        _sessions = new InMemorySessionStore(_time);
        _sessionService = new LatchSessionService(
            _sessions, new SessionGate(_sessions, TestRecords.Hasher, _telemetry.Audit, _telemetry.Metrics, _telemetry.Notifications, _time, NullLogger<SessionGate>.Instance));
        _service = new LatchCodeService(
            _store,
            TestRecords.Hasher,
            new TestSettings<LatchCodeOptions>(new LatchCodeOptions()),
            _time,
            _telemetry.Metrics,
            _telemetry.Audit,
            _sessionService,
            NullLogger<LatchCodeService>.Instance);
    }

    public void Dispose() => _telemetry.Dispose();

    [Fact]
    public void FormatNetwork_shows_a_single_host_without_prefix()
    {
        Assert.Equal("203.0.113.7", LatchCodeService.FormatNetwork(new IPNetwork(IPAddress.Parse("203.0.113.7"), 32)));
        Assert.Equal("2001:db8::1", LatchCodeService.FormatNetwork(new IPNetwork(IPAddress.Parse("2001:db8::1"), 128)));
    }

    [Fact]
    public void FormatNetwork_shows_a_range_in_CIDR_notation()
    {
        Assert.Equal("10.0.0.0/8", LatchCodeService.FormatNetwork(IPNetwork.Parse("10.0.0.0/8")));
        Assert.Equal("2001:db8::/32", LatchCodeService.FormatNetwork(IPNetwork.Parse("2001:db8::/32")));
        Assert.Equal("0.0.0.0/0", LatchCodeService.FormatNetwork(IPNetwork.Parse("0.0.0.0/0")));
    }

    [Fact]
    public void FormatNetwork_of_no_network_is_null()
    {
        Assert.Null(LatchCodeService.FormatNetwork(null));
    }

    [Fact]
    public async Task IssueAsync_stores_only_the_digest_of_the_code_it_returns()
    {
        var issued = await _service.IssueAsync(
            new LatchCodeIssue("r1", "alice", IPNetwork.Parse("10.0.0.0/8"), TimeSpan.FromSeconds(90), "INC-4711", new LatchActor("ops", null)),
            CancellationToken.None);

        Assert.Matches("^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$", issued.Code);
        var consumed = await _store.ConsumeAsync(TestRecords.DigestOf(issued.Code), CancellationToken.None);
        Assert.Equal(CodeState.Live, consumed.PriorState);
        Assert.Equal(issued.Info.Id, consumed.Record!.Id);
    }

    [Fact]
    public async Task IssueAsync_returns_the_metadata_of_the_code()
    {
        var now = _time.GetUtcNow();

        var issued = await _service.IssueAsync(
            new LatchCodeIssue("r1", "alice", IPNetwork.Parse("203.0.113.7/32"), TimeSpan.FromSeconds(90), "INC-4711", new LatchActor("ops", null)),
            CancellationToken.None);

        var info = issued.Info;
        Assert.Matches("^[0-9a-hjkmnp-tv-z]{20}$", info.Id);
        Assert.Equal("r1", info.Route);
        Assert.Equal("alice", info.User);
        Assert.Equal("203.0.113.7", info.Ip);
        Assert.Equal(now, info.IssuedAt);
        Assert.Equal(now + TimeSpan.FromSeconds(90), info.ExpiresAt);
        Assert.Equal("ops", info.IssuedBy);
        Assert.Equal("INC-4711", info.Reason);
    }

    [Fact]
    public async Task Issued_codes_and_ids_are_distinct()
    {
        var issued = new List<IssuedLatchCode>();
        for (var i = 0; i < 50; i++)
        {
            issued.Add(await _service.IssueAsync(new LatchCodeIssue("r1", null, null, TimeSpan.FromMinutes(1), null, new LatchActor("ops", null)), CancellationToken.None));
        }

        Assert.Equal(50, issued.Select(x => x.Code).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(50, issued.Select(x => x.Info.Id).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(50, _store.Count);
    }

    [Fact]
    public async Task Get_list_and_revoke_never_show_the_code()
    {
        var issued = await _service.IssueAsync(new LatchCodeIssue("r1", "bob", null, TimeSpan.FromMinutes(1), null, new LatchActor("ops", null)), CancellationToken.None);

        var got = await _service.GetAsync(issued.Info.Id, CancellationToken.None);
        var listed = await _service.ListAsync(new LatchCodeQuery("r1", "bob", LatchCodeQuery.DefaultLimit, null), CancellationToken.None);

        Assert.Equal(issued.Info, got);
        Assert.Equal(issued.Info, Assert.Single(listed!.Codes));
        Assert.Null(listed.NextCursor);
        Assert.Null(got!.Ip);
    }

    [Fact]
    public async Task RevokeAsync_revokes_a_live_code_once()
    {
        var issued = await _service.IssueAsync(new LatchCodeIssue("r1", null, null, TimeSpan.FromMinutes(1), null, new LatchActor("ops", null)), CancellationToken.None);

        var first = await _service.RevokeAsync(issued.Info.Id, new LatchActor("ops", null), CancellationToken.None);
        var second = await _service.RevokeAsync(issued.Info.Id, new LatchActor("ops", null), CancellationToken.None);

        Assert.True(first.Found);
        Assert.Equal(issued.Info, first.Code);
        Assert.Empty(first.EndedSessions);
        Assert.False(second.Found);
        Assert.Null(second.Code);
        Assert.Null(await _service.GetAsync(issued.Info.Id, CancellationToken.None));
        var consumed = await _store.ConsumeAsync(TestRecords.DigestOf(issued.Code), CancellationToken.None);
        Assert.Equal(CodeState.Revoked, consumed.PriorState);
    }

    [Fact]
    public async Task RevokeAsync_of_a_consumed_code_ends_the_sessions_it_opened_as_revoked_by_the_actor()
    {
        var issued = await _service.IssueAsync(new LatchCodeIssue("r1", "bob", null, TimeSpan.FromMinutes(1), null, new LatchActor("ops", null)), CancellationToken.None);
        await _store.ConsumeAsync(TestRecords.DigestOf(issued.Code), CancellationToken.None);
        var opened = await OpenSessionAsync(issued.Info.Id, "bob");
        var other = await OpenSessionAsync("another-code", "bob");
        _telemetry.Queued();

        var revocation = await _service.RevokeAsync(issued.Info.Id, new LatchActor("ops", IPAddress.Loopback), CancellationToken.None);

        Assert.True(revocation.Found);
        Assert.Null(revocation.Code);
        Assert.Equal(opened.Id, Assert.Single(revocation.EndedSessions).Id);
        Assert.Equal([other.Id], (await _sessions.ListAsync(null, null, CancellationToken.None)).Select(s => s.Id));
        var ended = Assert.Single(_telemetry.Queued());
        Assert.Equal(("session_ended", issued.Info.Id, "r1", "bob", "revoked", "ops", "127.0.0.1"), (ended.Type, ended.CodeId, ended.Route, ended.User, ended.Reason, ended.Actor, ended.ClientIp));
        Assert.False((await _service.RevokeAsync(issued.Info.Id, new LatchActor("ops", null), CancellationToken.None)).Found);
    }

    [Fact]
    public async Task RevokeAsync_of_a_live_code_also_ends_its_sessions()
    {
        var issued = await _service.IssueAsync(new LatchCodeIssue("r1", null, null, TimeSpan.FromMinutes(1), null, new LatchActor("ops", null)), CancellationToken.None);
        await OpenSessionAsync(issued.Info.Id, null);

        var revocation = await _service.RevokeAsync(issued.Info.Id, new LatchActor("ops", null), CancellationToken.None);

        Assert.Equal(issued.Info, revocation.Code);
        Assert.Single(revocation.EndedSessions);
        Assert.Empty(await _sessions.ListAsync(null, null, CancellationToken.None));
    }

    private async Task<LatchSession> OpenSessionAsync(string codeId, string? user)
    {
        var now = _time.GetUtcNow();
        var session = new LatchSession(
            Guid.NewGuid().ToString("N"),
            TestRecords.Hasher.Compute(Guid.NewGuid().ToString("N")),
            codeId,
            "r1",
            user,
            new IPNetwork(IPAddress.Parse("203.0.113.7"), 32),
            now,
            now.AddMinutes(15),
            null);
        Assert.True(await _sessions.TryAddAsync(session, CancellationToken.None));
        return session;
    }

    [Fact]
    public async Task Code_length_follows_the_options()
    {
        var service = new LatchCodeService(
            _store,
            TestRecords.Hasher,
            new TestSettings<LatchCodeOptions>(new LatchCodeOptions { Length = 12 }),
            _time,
            _telemetry.Metrics,
            _telemetry.Audit,
            _sessionService,
            NullLogger<LatchCodeService>.Instance);

        var issued = await service.IssueAsync(new LatchCodeIssue("r1", null, null, TimeSpan.FromMinutes(1), null, new LatchActor("ops", null)), CancellationToken.None);

        Assert.Matches("^[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{2}$", issued.Code);
    }
}
