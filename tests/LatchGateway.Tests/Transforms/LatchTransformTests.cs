using LatchGateway.Contracts;
using Microsoft.Extensions.Logging.Abstractions;
using LatchGateway.Lockout;
using LatchGateway.Tests.Infrastructure;
using System.Diagnostics.Metrics;
using System.Net;
using System.Security.Claims;
using LatchGateway.Admin;
using LatchGateway.Codes;
using LatchGateway.Diagnostics;
using LatchGateway.Identity;
using LatchGateway.Sessions;
using LatchGateway.Store;
using LatchGateway.Tests.Hosting;
using LatchGateway.Tests.Logging;
using LatchGateway.Tests.Store;
using LatchGateway.Transforms;
using LatchGateway.Burn;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace LatchGateway.Tests.Transforms;

public sealed class LatchTransformTests : IDisposable
{
    private const string Code = "ABCDE-12345";

    private readonly FakeTimeProvider _time = new();
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly CapturingLoggerFactory _logs = new();
    private readonly InMemoryLatchStore _store;
    private readonly TestTelemetry _telemetry;
    private readonly MeterListener _meters = new();
    private readonly List<(string Instrument, long Value, Dictionary<string, object?> Tags)> _measurements = [];

    public LatchTransformTests()
    {
        _store = new InMemoryLatchStore(_time);
        var factory = _services.GetRequiredService<IMeterFactory>();
        _telemetry = new TestTelemetry(_time, factory);
        _meters.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, factory))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _meters.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            lock (_measurements)
            {
                _measurements.Add((instrument.Name, value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value)));
            }
        });
        _meters.Start();
    }

    public void Dispose()
    {
        _meters.Dispose();
        _telemetry.Dispose();
        _services.Dispose();
        _logs.Dispose();
    }

    [Fact]
    public async Task Without_a_code_answers_401_latch_required()
    {
        var context = TransformContexts.Get();

        await Transform().ApplyAsync(context);

        Assert.Equal(401, context.HttpContext.Response.StatusCode);
        Assert.Equal("Latch", context.HttpContext.Response.Headers.WWWAuthenticate.ToString());
        Assert.Contains("\"error\":\"latch_required\"", TransformContexts.ResponseBody(context), StringComparison.Ordinal);
        Assert.False(context.ProxyRequest.Headers.Contains("X-Latch-Id"));
    }

    [Theory]
    [InlineData(Code, null)]
    [InlineData(null, "?latch_code=abcde12345")]
    public async Task With_a_valid_code_lets_the_request_on_with_the_code_id(string? header, string? query)
    {
        var record = await Issue();
        var context = TransformContexts.Get(header, query);

        await Transform().ApplyAsync(context);

        Assert.Equal(200, context.HttpContext.Response.StatusCode);
        Assert.False(context.HttpContext.Response.HasStarted);
        Assert.Equal("", TransformContexts.ResponseBody(context));
        Assert.Equal([record.Id], context.ProxyRequest.Headers.GetValues("X-Latch-Id"));
    }

    [Fact]
    public async Task Refused_codes_get_one_answer_whatever_the_reason()
    {
        await Issue(code: "SEEN0-00000");
        await Issue(code: "RTE00-00000", route: "other");
        await Issue(code: "EXPRD-00000", ttl: TimeSpan.FromSeconds(1));
        await Issue(code: "ADDR0-00000", network: IPNetwork.Parse("198.51.100.0/24"));
        await Issue(code: "PERS0-00000", user: "alice");
        await Transform().ApplyAsync(TransformContexts.Get("SEEN0-00000"));
        _time.Advance(TimeSpan.FromSeconds(1));

        var answers = new List<(int Status, string Body)>();
        foreach (var code in new[] { "NKNWN-00000", "SEEN0-00000", "RTE00-00000", "EXPRD-00000", "ADDR0-00000", "PERS0-00000" })
        {
            var context = TransformContexts.Get(code);
            await Transform().ApplyAsync(context);
            answers.Add((context.HttpContext.Response.StatusCode, TransformContexts.ResponseBody(context)));
            Assert.False(context.ProxyRequest.Headers.Contains("X-Latch-Id"));
        }

        Assert.All(answers, a => Assert.Equal(403, a.Status));
        Assert.Single(answers.Select(a => a.Body).Distinct(StringComparer.Ordinal));
        Assert.Contains("\"error\":\"latch_invalid\"", answers[0].Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fails_closed_with_503_when_the_store_cannot_be_reached()
    {
        var context = TransformContexts.Get(Code);

        await Transform(new FailingStore(new LatchStoreUnavailableException())).ApplyAsync(context);

        Assert.Equal(503, context.HttpContext.Response.StatusCode);
        Assert.Contains("\"error\":\"latch_unavailable\"", TransformContexts.ResponseBody(context), StringComparison.Ordinal);
        Assert.False(context.ProxyRequest.Headers.Contains("X-Latch-Id"));
    }

    [Fact]
    public async Task Fails_closed_on_an_unexpected_fault_and_logs_it_as_an_error_not_as_the_store_being_down()
    {
        var context = TransformContexts.Get(Code);

        await Transform(new FailingStore(new InvalidOperationException("a bug"))).ApplyAsync(context);

        Assert.Equal(503, context.HttpContext.Response.StatusCode);
        var logged = Assert.Single(_logs.Entries, e => e.Exception is InvalidOperationException);
        Assert.Equal(LogLevel.Error, logged.Level);
        Assert.Contains("failed unexpectedly", logged.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_logs.Entries, e => e.EventId.Name == "StoreUnavailable");
    }

    [Fact]
    public async Task Logs_an_unreachable_store_as_a_warning_of_one_line()
    {
        await Transform(new FailingStore(new LatchStoreUnavailableException())).ApplyAsync(TransformContexts.Get(Code));

        var logged = Assert.Single(_logs.Entries, e => e.EventId.Name == "StoreUnavailable");
        Assert.Equal(LogLevel.Warning, logged.Level);
        Assert.Null(logged.Exception);
        Assert.EndsWith(new LatchStoreUnavailableException().Message, logged.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lets_a_cancelled_request_end_as_cancelled()
    {
        using var aborted = new CancellationTokenSource();
        await aborted.CancelAsync();
        var context = TransformContexts.Get(Code, cancellationToken: aborted.Token);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => Transform(new FailingStore(new OperationCanceledException(aborted.Token))).ApplyAsync(context).AsTask());
    }

    [Fact]
    public async Task Reads_an_IPv4_mapped_client_address_as_IPv4()
    {
        await Issue(network: IPNetwork.Parse("203.0.113.7/32"));
        var context = TransformContexts.Get(Code, clientIp: IPAddress.Parse("::ffff:203.0.113.7"));

        await Transform().ApplyAsync(context);

        Assert.Equal(200, context.HttpContext.Response.StatusCode);
    }

    [Theory]
    [InlineData("alice", 200)]
    [InlineData("bob", 403)]
    [InlineData(null, 403)]
    public async Task Matches_a_user_bound_code_against_the_authenticated_user(string? sub, int status)
    {
        await Issue(user: "alice");
        var context = TransformContexts.Get(Code);
        if (sub is not null)
        {
            context.HttpContext.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", sub)], "Bearer"));
        }

        await Transform().ApplyAsync(context);

        Assert.Equal(status, context.HttpContext.Response.StatusCode);
    }

    [Fact]
    public async Task Records_the_outcome_by_route_without_user_IP_or_code()
    {
        await Issue(user: "alice", network: IPNetwork.Parse("203.0.113.0/24"));

        await Transform().ApplyAsync(TransformContexts.Get(Code));
        await Transform().ApplyAsync(TransformContexts.Get());

        var validations = _measurements.Where(m => m.Instrument == "latch.validations").ToList();
        Assert.Equal(2, validations.Count);
        Assert.All(validations, m => Assert.Equal(["outcome", "route"], m.Tags.Keys.Order(StringComparer.Ordinal)));
        Assert.Equal(["user_mismatch", "missing"], validations.Select(m => m.Tags["outcome"]));
        Assert.All(validations, m => Assert.Equal("r1", m.Tags["route"]));
    }

    [Fact]
    public async Task Never_logs_the_code()
    {
        await Issue(route: "other");

        await Transform().ApplyAsync(TransformContexts.Get(Code));
        await Transform().ApplyAsync(TransformContexts.Get("ZZZZZ-99999"));

        Assert.NotEmpty(_logs.Entries);
        Assert.All(_logs.Entries, e =>
        {
            Assert.DoesNotContain("12345", e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("99999", e.Message, StringComparison.Ordinal);
        });
    }

    private LatchTransform Transform(ILatchStore? store = null) => new(
        "r1",
        new CodeBurner(store ?? _store, TestRecords.Hasher, _time),
        new ClientIdentity(new TestSettings<LatchIdentityOptions>(new LatchIdentityOptions())),
        new LockoutGuard(
            new InMemoryLockoutStore(_time),
            new TestSettings<LatchLockoutOptions>(new LatchLockoutOptions { MaxFailures = 1000 }),
            _telemetry.Metrics,
            _telemetry.Audit,
            _telemetry.Notifications,
            NullLogger<LockoutGuard>.Instance),
        _telemetry.Audit,
        _telemetry.Metrics,
        _time,
        _telemetry.Notifications,
        _logs.CreateLogger<LatchTransform>(),
        new SessionGate(new InMemorySessionStore(_time), TestRecords.Hasher, _telemetry.Audit, _telemetry.Metrics, _telemetry.Notifications, _time, NullLogger<SessionGate>.Instance));

    private async Task<LatchCodeRecord> Issue(
        string code = Code, string route = "r1", string? user = null, IPNetwork? network = null, TimeSpan? ttl = null)
    {
        var record = TestRecords.Create(code, _time.GetUtcNow(), route: route, user: user, network: network, ttl: ttl);
        Assert.True(await _store.TryAddAsync(record, default));
        return record;
    }

    private sealed class FailingStore(Exception fault) : ILatchStore
    {
        public ValueTask<bool> TryAddAsync(LatchCodeRecord record, CancellationToken cancellationToken) => throw fault;

        public ValueTask<ConsumeResult> ConsumeAsync(CodeDigest digest, CancellationToken cancellationToken) =>
            ValueTask.FromException<ConsumeResult>(fault);

        public ValueTask RestoreAsync(CodeDigest digest, CancellationToken cancellationToken) => ValueTask.FromException(fault);

        public ValueTask<LatchCodeRecord?> GetAsync(string id, CancellationToken cancellationToken) => throw fault;

        public ValueTask<CodePage?> ListAsync(LatchGateway.Contracts.LatchCodeQuery query, CancellationToken cancellationToken) => throw fault;

        public ValueTask<LatchCodeRecord?> RevokeAsync(string id, CancellationToken cancellationToken) => throw fault;

        public ValueTask<bool> IsAvailableAsync(CancellationToken cancellationToken) => ValueTask.FromResult(false);
    }
}
