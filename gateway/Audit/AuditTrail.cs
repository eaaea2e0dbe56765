using System.Net;
using System.Threading.Channels;
using LatchGateway.Admin;
using LatchGateway.Admin.Audit;
using LatchGateway.Diagnostics;
using LatchGateway.Store;
using LatchGateway.Validation;
using Microsoft.Extensions.Options;

namespace LatchGateway.Audit;

/// <summary>
/// Records audit events without slowing the request: each event goes into a bounded in-memory queue that
/// <see cref="AuditWriter"/> drains into the sink. When the queue is full the event is dropped, counted in
/// <c>latch.audit.dropped</c> and reported in the log — never silently. Reads go straight to the sink.
/// </summary>
internal sealed class AuditTrail : ILatchAuditTrail
{
    private readonly Channel<AuditEntry> _queue;
    private readonly IAuditSink _sink;
    private readonly LatchMetrics _metrics;
    private readonly TimeProvider _timeProvider;
    private long _unreportedDrops;

    public AuditTrail(IOptions<LatchAuditOptions> options, IAuditSink sink, LatchMetrics metrics, TimeProvider timeProvider)
    {
        _queue = Channel.CreateBounded<AuditEntry>(new BoundedChannelOptions(options.Value.QueueCapacity)
        {
            // Wait, not DropWrite: with DropWrite TryWrite reports success for a dropped item, hiding the drop.
            // TryWrite never waits; a full queue makes it return false, and the drop is counted.
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
        _sink = sink;
        _metrics = metrics;
        _timeProvider = timeProvider;
    }

    internal ChannelReader<AuditEntry> Queue => _queue.Reader;

    public void Presentation(string route, LatchDecision decision, string? user, IPAddress? clientIp) => Record(new AuditEntry(
        _timeProvider.GetUtcNow(),
        decision.Outcome == LatchOutcome.Accepted ? AuditEventTypes.Accepted : AuditEventTypes.Rejected,
        decision.Record?.Id,
        route,
        user,
        clientIp,
        decision.Outcome == LatchOutcome.Accepted ? null : decision.Outcome.ToName(),
        null,
        AuditEntry.CurrentTraceId));

    public void Issued(LatchCodeRecord record, LatchActor actor) => Record(new AuditEntry(
        record.IssuedAt, AuditEventTypes.Issued, record.Id, record.Route, record.User, actor.Address, record.Reason, actor.Name, AuditEntry.CurrentTraceId));

    public void Revoked(LatchCodeRecord record, LatchActor actor) => Record(new AuditEntry(
        _timeProvider.GetUtcNow(), AuditEventTypes.Revoked, record.Id, record.Route, record.User, actor.Address, null, actor.Name, AuditEntry.CurrentTraceId));

    /// <summary>A lockout imposed on <paramref name="subject"/> (<c>client_ip</c>, <c>user</c> or <c>admin_api_key</c>).</summary>
    public void LockedOut(string? route, string? user, IPAddress? clientIp, string subject) => Record(new AuditEntry(
        _timeProvider.GetUtcNow(), AuditEventTypes.LockedOut, null, route, user, clientIp, subject, null, AuditEntry.CurrentTraceId));

    public void Record(in AuditEntry entry)
    {
        if (!_queue.Writer.TryWrite(entry))
        {
            Dropped(1);
        }
    }

    /// <summary>Counts events that will never reach the sink.</summary>
    public void Dropped(int count)
    {
        _metrics.AuditDropped(count);
        Interlocked.Add(ref _unreportedDrops, count);
    }

    /// <summary>Drops since the last call, for the writer to log.</summary>
    public long TakeUnreportedDrops() => Interlocked.Exchange(ref _unreportedDrops, 0);

    /// <summary>No more events: the writer drains what is queued and stops.</summary>
    public void Complete() => _queue.Writer.TryComplete();

    public IAsyncEnumerable<LatchAuditEvent> QueryAsync(AuditQuery query, CancellationToken cancellationToken) =>
        _sink.QueryAsync(query, cancellationToken);

    public IAsyncEnumerable<LatchAuditEvent> ExportAsync(DateTimeOffset? since, DateTimeOffset? until, CancellationToken cancellationToken) =>
        _sink.ExportAsync(since, until, cancellationToken);
}
