using System.Diagnostics.Metrics;
using System.Net;
using LatchGateway.Admin;
using LatchGateway.Admin.Audit;
using LatchGateway.Audit;
using LatchGateway.Contracts;
using LatchGateway.Diagnostics;
using LatchGateway.Store;
using LatchGateway.Tests.Logging;
using LatchGateway.Burn;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace LatchGateway.Tests.Audit;

/// <summary>Audit events that cannot be kept are never lost silently: they are counted in <c>latch.audit.dropped</c> and logged.</summary>
public sealed class AuditTrailDropTests : IDisposable
{
    private readonly FakeTimeProvider _time = new();
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly MeterListener _meters = new();
    private readonly CapturingLoggerFactory _logs = new();
    private readonly LatchMetrics _metrics;
    private long _dropped;

    public AuditTrailDropTests()
    {
        var factory = _services.GetRequiredService<IMeterFactory>();
        _metrics = new LatchMetrics(factory);
        _meters.InstrumentPublished = (instrument, listener) =>
        {
            // Only this test's meter: gateways running in the same process have meters named LatchGateway too.
            if (ReferenceEquals(instrument.Meter.Scope, factory) && instrument.Name == "latch.audit.dropped")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _meters.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _dropped, value));
        _meters.Start();
    }

    public void Dispose()
    {
        _meters.Dispose();
        _services.Dispose();
        _logs.Dispose();
    }

    [Fact]
    public void A_full_queue_drops_further_events_and_counts_every_one()
    {
        var sink = new RecordingSink();
        var trail = new AuditTrail(Options.Create(new LatchAuditOptions { QueueCapacity = 2 }), sink, _metrics, _time);

        for (var i = 0; i < 10; i++)
        {
            trail.Presentation("orders-admin", new LatchDecision(LatchOutcome.Invalid, null), null, IPAddress.Loopback);
        }

        Assert.Equal(2, trail.Pending);
        Assert.Equal(8, Interlocked.Read(ref _dropped));
        Assert.Equal(8, trail.TakeUnreportedDrops());
        Assert.Equal(0, trail.TakeUnreportedDrops());
        Assert.Empty(sink.Written);
    }

    [Fact]
    public void Every_kind_of_event_counts_when_dropped()
    {
        var trail = new AuditTrail(Options.Create(new LatchAuditOptions { QueueCapacity = 1 }), new RecordingSink(), _metrics, _time);
        var record = new LatchCodeRecord(
            "id-1", default, "orders-admin", null, null, _time.GetUtcNow(), _time.GetUtcNow().AddMinutes(2), "ops", "INC-1");
        var actor = new LatchActor("ops", IPAddress.Loopback);

        trail.Issued(record, actor);
        trail.Revoked(record, actor);
        trail.Presentation("orders-admin", new LatchDecision(LatchOutcome.Accepted, record), null, IPAddress.Loopback);
        trail.Presentation("orders-admin", new LatchDecision(LatchOutcome.Missing, null), null, IPAddress.Loopback);

        Assert.Equal(1, trail.Pending);
        Assert.Equal(3, Interlocked.Read(ref _dropped));
    }

    [Fact]
    public async Task A_batch_the_sink_keeps_refusing_is_dropped_after_retries_counted_and_logged_with_its_size()
    {
        var sink = new RecordingSink { Failure = new IOException("disk full") };
        var trail = new AuditTrail(Options.Create(new LatchAuditOptions()), sink, _metrics, _time);
        using var writer = new AuditWriter(trail, sink, _time, new Logger<AuditWriter>(_logs));
        for (var i = 0; i < 3; i++)
        {
            trail.Presentation("orders-admin", new LatchDecision(LatchOutcome.Invalid, null), null, IPAddress.Loopback);
        }

        // The retry delays run on the fake clock: advance it until the writer gives up.
        await RunWriterUntilAsync(writer, () => _logs.Entries.Any(e => e.Level == LogLevel.Warning));

        Assert.Equal(4, sink.Attempts);
        Assert.Empty(sink.Written);
        Assert.Equal(3, Interlocked.Read(ref _dropped));
        var failed = Assert.Single(_logs.Entries, e => e.Level == LogLevel.Error);
        Assert.Contains("3", failed.Message, StringComparison.Ordinal);
        Assert.Contains(failed.Values, v => v.Key == "Count" && Equals(v.Value, 3));
        Assert.IsType<IOException>(failed.Exception);
        var dropped = Assert.Single(_logs.Entries, e => e.Level == LogLevel.Warning);
        Assert.Contains(dropped.Values, v => v.Key == "Count" && Equals(v.Value, 3L));
        Assert.Contains("latch_audit_dropped_total", dropped.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sink_that_recovers_within_the_retries_loses_nothing()
    {
        var sink = new RecordingSink { Failure = new IOException("busy"), FailuresLeft = 2 };
        var trail = new AuditTrail(Options.Create(new LatchAuditOptions()), sink, _metrics, _time);
        using var writer = new AuditWriter(trail, sink, _time, new Logger<AuditWriter>(_logs));
        for (var i = 0; i < 3; i++)
        {
            trail.Presentation("orders-admin", new LatchDecision(LatchOutcome.Invalid, null), null, IPAddress.Loopback);
        }

        await RunWriterUntilAsync(writer, () => sink.Written.Count >= 3);

        Assert.Equal(3, sink.Written.Count);
        Assert.Equal(3, sink.Attempts);
        Assert.Equal(0, Interlocked.Read(ref _dropped));
        Assert.DoesNotContain(_logs.Entries, e => e.Level >= LogLevel.Warning);
    }

    /// <summary>
    /// Runs the writer, advancing the fake clock a second at a time until <paramref name="done"/> (at most 5 s of real
    /// time, no real waiting on the writer's delays), then stops it.
    /// </summary>
    private async Task RunWriterUntilAsync(AuditWriter writer, Func<bool> done)
    {
        await writer.StartAsync(CancellationToken.None);
        try
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
            while (!done() && DateTime.UtcNow < deadline)
            {
                _time.Advance(TimeSpan.FromSeconds(1));
                await Task.Delay(10);
            }
        }
        finally
        {
            await writer.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Stopping_the_writer_writes_what_is_still_queued()
    {
        var sink = new RecordingSink { Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        var trail = new AuditTrail(Options.Create(new LatchAuditOptions()), sink, _metrics, _time);
        using var writer = new AuditWriter(trail, sink, _time, new Logger<AuditWriter>(_logs));
        trail.Presentation("orders-admin", new LatchDecision(LatchOutcome.Invalid, null), null, IPAddress.Loopback);
        await writer.StartAsync(CancellationToken.None);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));

        // The writer lets a batch gather for AuditWriter.BatchWindow (on the fake clock), then is busy with the first
        // batch while five more events queue up behind it; then the host stops.
        while (!sink.Entered.Task.IsCompleted)
        {
            timeout.Token.ThrowIfCancellationRequested();
            _time.Advance(AuditWriter.BatchWindow);
            await Task.Delay(10);
        }

        for (var i = 0; i < 5; i++)
        {
            trail.Presentation("exports", new LatchDecision(LatchOutcome.Missing, null), null, IPAddress.Loopback);
        }

        var stopping = writer.StopAsync(timeout.Token);
        sink.Gate.SetResult();
        await stopping;

        Assert.Equal(6, sink.Written.Count);
        Assert.Equal(["orders-admin", "exports", "exports", "exports", "exports", "exports"], sink.Written.Select(e => e.Route));
        Assert.Equal(0, Interlocked.Read(ref _dropped));
    }

    /// <summary>A sink that keeps what it is given, or throws <see cref="Failure"/> (for <see cref="FailuresLeft"/> calls, or always).</summary>
    private sealed class RecordingSink : IAuditSink
    {
        private readonly List<AuditRecord> _written = [];
        private int _attempts;

        public Exception? Failure { get; init; }

        /// <summary>When set, every write waits for it to complete.</summary>
        public TaskCompletionSource? Gate { get; init; }

        /// <summary>Completed when the first write begins.</summary>
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int FailuresLeft { get; set; } = int.MaxValue;

        public int Attempts => Volatile.Read(ref _attempts);

        public List<AuditRecord> Written
        {
            get
            {
                lock (_written)
                {
                    return _written.ToList();
                }
            }
        }

        public async Task WriteAsync(IReadOnlyList<AuditRecord> batch, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _attempts);
            Entered.TrySetResult();
            if (Gate is not null)
            {
                await Gate.Task;
            }

            if (Failure is not null && FailuresLeft > 0)
            {
                FailuresLeft--;
                throw Failure;
            }

            lock (_written)
            {
                _written.AddRange(batch);
            }
        }

        public IAsyncEnumerable<AuditRecord> QueryAsync(AuditQuery query, CancellationToken cancellationToken) =>
            AsyncEnumerable.Empty<AuditRecord>();

        public IAsyncEnumerable<AuditRecord> ExportAsync(DateTimeOffset? since, DateTimeOffset? until, CancellationToken cancellationToken) =>
            AsyncEnumerable.Empty<AuditRecord>();
    }
}
