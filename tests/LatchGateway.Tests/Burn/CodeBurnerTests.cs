using LatchGateway.Tests.Infrastructure;
using System.Net;
using LatchGateway.Codes;
using LatchGateway.Store;
using LatchGateway.Tests.Store;
using LatchGateway.Burn;
using Microsoft.Extensions.Time.Testing;

namespace LatchGateway.Tests.Burn;

public sealed class CodeBurnerTests : IDisposable
{
    private const string Code = "ABCDE-12345";
    private static readonly IPAddress Client = IPAddress.Parse("203.0.113.7");

    private readonly FakeTimeProvider _time = new();
    private readonly TestTelemetry _telemetry;
    private readonly CountingStore _store;
    private readonly CodeBurner _burner;

    public CodeBurnerTests()
    {
        _telemetry = new TestTelemetry(_time);
        _store = new CountingStore(new InMemoryLatchStore(_time));
        _burner = new CodeBurner(_store, TestRecords.Hasher, _time);
    }

    public void Dispose() => _telemetry.Dispose();

    [Fact]
    public async Task A_live_code_on_its_route_is_accepted_and_returned()
    {
        var record = await Issue();

        var decision = await Present(Code);

        Assert.Equal(LatchOutcome.Accepted, decision.Outcome);
        Assert.Same(record, decision.Record);
    }

    [Theory]
    [InlineData("abcde12345")]
    [InlineData("ABCDE 12345")]
    [InlineData("a-b-c-d-e-1-2-3-4-5")]
    public async Task A_code_is_accepted_however_it_is_written(string presented)
    {
        await Issue();

        Assert.Equal(LatchOutcome.Accepted, (await Present(presented)).Outcome);
    }

    [Fact]
    public async Task I_L_and_O_read_as_1_1_and_0()
    {
        await Issue(code: "10ABC-11DEF");

        Assert.Equal(LatchOutcome.Accepted, (await Present("iOabc-LlDEF")).Outcome);
    }

    [Fact]
    public async Task An_unknown_code_is_invalid()
    {
        await Issue();

        var decision = await Present("ABCDE-12346");

        Assert.Equal(LatchOutcome.Invalid, decision.Outcome);
        Assert.Null(decision.Record);
    }

    [Fact]
    public async Task A_code_presented_again_is_used()
    {
        var record = await Issue();
        Assert.Equal(LatchOutcome.Accepted, (await Present(Code)).Outcome);

        var decision = await Present(Code);

        Assert.Equal(LatchOutcome.Used, decision.Outcome);
        Assert.Same(record, decision.Record);
    }

    [Fact]
    public async Task A_revoked_code_is_revoked()
    {
        var record = await Issue();
        await _store.RevokeAsync(record.Id, default);

        Assert.Equal(LatchOutcome.Revoked, (await Present(Code)).Outcome);
        Assert.Equal(LatchOutcome.Revoked, (await Present(Code)).Outcome);
    }

    [Fact]
    public async Task A_code_is_valid_until_just_before_it_expires()
    {
        await Issue(ttl: TimeSpan.FromSeconds(120));
        _time.Advance(TimeSpan.FromSeconds(120) - TimeSpan.FromTicks(1));

        Assert.Equal(LatchOutcome.Accepted, (await Present(Code)).Outcome);
    }

    [Fact]
    public async Task An_expired_code_is_expired()
    {
        await Issue(ttl: TimeSpan.FromSeconds(120));
        _time.Advance(TimeSpan.FromSeconds(120));

        Assert.Equal(LatchOutcome.Expired, (await Present(Code)).Outcome);
    }

    [Fact]
    public async Task A_code_for_another_route_is_a_route_mismatch()
    {
        await Issue(route: "orders-admin");

        Assert.Equal(LatchOutcome.RouteMismatch, (await Present(Code, route: "billing-admin")).Outcome);
    }

    [Fact]
    public async Task Route_ids_match_exactly()
    {
        await Issue(route: "orders-admin");

        Assert.Equal(LatchOutcome.RouteMismatch, (await Present(Code, route: "Orders-Admin")).Outcome);
    }

    [Theory]
    [InlineData("203.0.113.7", "203.0.113.7", "Accepted")]
    [InlineData("203.0.113.7", "203.0.113.8", "IpMismatch")]
    [InlineData("10.0.0.0/8", "10.255.1.2", "Accepted")]
    [InlineData("10.0.0.0/8", "11.0.0.1", "IpMismatch")]
    [InlineData("10.0.0.0/8", "::ffff:10.1.2.3", "Accepted")]
    [InlineData("203.0.113.7", "2001:db8::7", "IpMismatch")]
    [InlineData("2001:db8::/32", "2001:db8:1::5", "Accepted")]
    [InlineData("2001:db8::/32", "2001:db9::5", "IpMismatch")]
    [InlineData("2001:db8::/32", "10.0.0.1", "IpMismatch")]
    [InlineData("2001:db8::1/128", "2001:db8::1", "Accepted")]
    public async Task An_IP_bound_code_opens_only_for_a_client_inside_the_network(string network, string client, string expected)
    {
        await Issue(network: IPNetwork.Parse(network.Contains('/', StringComparison.Ordinal) ? network : network + "/32"));

        Assert.Equal(expected, (await PresentAs(Code, "r1", IPAddress.Parse(client), null)).Outcome.ToString());
    }

    [Fact]
    public async Task An_IP_bound_code_with_no_client_IP_is_an_IP_mismatch()
    {
        await Issue(network: IPNetwork.Parse("0.0.0.0/0"));

        Assert.Equal(LatchOutcome.IpMismatch, (await PresentAs(Code, "r1", null, null)).Outcome);
    }

    [Fact]
    public async Task An_unbound_code_opens_for_any_client_and_user()
    {
        await Issue();

        Assert.Equal(LatchOutcome.Accepted, (await PresentAs(Code, "r1", null, "anyone")).Outcome);
    }

    [Theory]
    [InlineData("alice", "Accepted")]
    [InlineData("bob", "UserMismatch")]
    [InlineData("Alice", "UserMismatch")]
    [InlineData("alice ", "UserMismatch")]
    [InlineData("", "UserMismatch")]
    [InlineData(null, "UserMismatch")]
    public async Task A_user_bound_code_opens_only_for_that_exact_user(string? user, string expected)
    {
        await Issue(user: "alice");

        Assert.Equal(expected, (await Present(Code, user: user)).Outcome.ToString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("-")]
    [InlineData("---")]
    [InlineData("   ")]
    public async Task No_code_is_missing_and_touches_no_store(string? presented)
    {
        var decision = await Present(presented);

        Assert.Equal(LatchOutcome.Missing, decision.Outcome);
        Assert.Null(decision.Record);
        Assert.Equal(0, _store.Consumes);
    }

    [Theory]
    [InlineData("ABCDE-1234U")]
    [InlineData("ABCDE!12345")]
    [InlineData("ABCDé-12345")]
    [InlineData("ＡＢＣＤＥ-12345")]
    [InlineData("' OR 1=1 --")]
    public async Task A_malformed_code_is_invalid_and_touches_no_store(string presented)
    {
        var decision = await Present(presented);

        Assert.Equal(LatchOutcome.Invalid, decision.Outcome);
        Assert.Equal(0, _store.Consumes);
    }

    [Fact]
    public async Task An_overlong_code_is_invalid_and_touches_no_store()
    {
        var decision = await Present(new string('A', CrockfordBase32.MaxCodeLength + 1));

        Assert.Equal(LatchOutcome.Invalid, decision.Outcome);
        Assert.Equal(0, _store.Consumes);
    }

    [Theory]
    [InlineData("route")]
    [InlineData("ip")]
    [InlineData("user")]
    [InlineData("expired")]
    public async Task A_found_code_is_consumed_whatever_the_outcome(string mismatch)
    {
        await Issue(route: "r1", user: "alice", network: IPNetwork.Parse("203.0.113.0/24"), ttl: TimeSpan.FromSeconds(60));
        var (route, ip, user) = mismatch switch
        {
            "route" => ("r2", Client, "alice"),
            "ip" => ("r1", IPAddress.Parse("198.51.100.1"), "alice"),
            "user" => ("r1", Client, "mallory"),
            _ => ("r1", Client, "alice"),
        };
        if (mismatch == "expired")
        {
            _time.Advance(TimeSpan.FromSeconds(60));
        }

        var first = await PresentAs(Code, route, ip, user);
        var second = await PresentAs(Code, "r1", Client, "alice");

        Assert.NotEqual(LatchOutcome.Accepted, first.Outcome);
        Assert.Equal(LatchOutcome.Used, second.Outcome);
    }

    [Fact]
    public async Task Bindings_are_checked_in_order_route_then_IP_then_user()
    {
        await Issue(route: "r1", user: "alice", network: IPNetwork.Parse("203.0.113.7/32"));
        var record = (await _store.ConsumeAsync(TestRecords.DigestOf(Code), default)).Record;
        var live = new ConsumeResult(record, CodeState.Live);
        var now = _time.GetUtcNow();
        var otherIp = IPAddress.Parse("198.51.100.1");

        Assert.Equal(LatchOutcome.RouteMismatch, CodeBurner.Judge(live, "r2", otherIp, "bob", now));
        Assert.Equal(LatchOutcome.IpMismatch, CodeBurner.Judge(live, "r1", otherIp, "bob", now));
        Assert.Equal(LatchOutcome.UserMismatch, CodeBurner.Judge(live, "r1", Client, "bob", now));
        Assert.Equal(LatchOutcome.Accepted, CodeBurner.Judge(live, "r1", Client, "alice", now));
    }

    [Fact]
    public async Task Judge_reports_the_prior_state_before_expiry_and_bindings()
    {
        var record = await Issue(route: "r1", user: "alice");
        var later = record.ExpiresAt + TimeSpan.FromHours(1);

        Assert.Equal(LatchOutcome.Used, CodeBurner.Judge(new ConsumeResult(record, CodeState.Consumed), "r2", null, null, later));
        Assert.Equal(LatchOutcome.Revoked, CodeBurner.Judge(new ConsumeResult(record, CodeState.Revoked), "r2", null, null, later));
        Assert.Equal(LatchOutcome.Expired, CodeBurner.Judge(new ConsumeResult(record, CodeState.Live), "r2", null, null, later));
        Assert.Equal(LatchOutcome.Invalid, CodeBurner.Judge(ConsumeResult.NotFound, "r1", Client, "alice", record.IssuedAt));
    }

    [Fact]
    public async Task Concurrent_presentations_accept_exactly_one()
    {
        await Issue();

        var decisions = await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => Task.Run(() => Present(Code))));

        Assert.Single(decisions, d => d.Outcome == LatchOutcome.Accepted);
        Assert.All(decisions.Where(d => d.Outcome != LatchOutcome.Accepted), d => Assert.Equal(LatchOutcome.Used, d.Outcome));
    }

    private async Task<LatchCodeRecord> Issue(
        string code = Code, string route = "r1", string? user = null, IPNetwork? network = null, TimeSpan? ttl = null)
    {
        var record = TestRecords.Create(code, _time.GetUtcNow(), route: route, user: user, network: network, ttl: ttl);
        Assert.True(await _store.TryAddAsync(record, default));
        return record;
    }

    private Task<LatchDecision> Present(string? presented, string route = "r1", string? user = null) =>
        PresentAs(presented, route, Client, user);

    private Task<LatchDecision> PresentAs(string? presented, string route, IPAddress? clientIp, string? user) =>
        _burner.BurnAsync(presented, route, clientIp, user, CancellationToken.None).AsTask();

    /// <summary>Counts consume calls, to show that malformed input never reaches the store.</summary>
    private sealed class CountingStore(ILatchStore inner) : ILatchStore
    {
        private int _consumes;

        public int Consumes => Volatile.Read(ref _consumes);

        public ValueTask<bool> TryAddAsync(LatchCodeRecord record, CancellationToken cancellationToken) => inner.TryAddAsync(record, cancellationToken);

        public ValueTask<ConsumeResult> ConsumeAsync(CodeDigest digest, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _consumes);
            return inner.ConsumeAsync(digest, cancellationToken);
        }

        public ValueTask RestoreAsync(CodeDigest digest, CancellationToken cancellationToken) => inner.RestoreAsync(digest, cancellationToken);

        public ValueTask<LatchCodeRecord?> GetAsync(string id, CancellationToken cancellationToken) => inner.GetAsync(id, cancellationToken);

        public ValueTask<CodePage?> ListAsync(LatchGateway.Contracts.LatchCodeQuery query, CancellationToken cancellationToken) =>
            inner.ListAsync(query, cancellationToken);

        public ValueTask<LatchCodeRecord?> RevokeAsync(string id, CancellationToken cancellationToken) => inner.RevokeAsync(id, cancellationToken);

        public ValueTask<bool> IsAvailableAsync(CancellationToken cancellationToken) => inner.IsAvailableAsync(cancellationToken);
    }
}
