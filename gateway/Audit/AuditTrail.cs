using System.Net;
using System.Threading.Channels;
using LatchGateway.Admin;
using LatchGateway.Admin.Audit;
using LatchGateway.Contracts;
using LatchGateway.Diagnostics;
using LatchGateway.Store;
using LatchGateway.Burn;
using Microsoft.Extensions.Options;

namespace LatchGateway.Audit;

/// <summary>
/// Records audit events without slowing the request: each event goes into a bounded in-memory queue that
/// <see cref="AuditWriter"/> drains into the sink. When the queue is full the event is dropped, counted in
/// <c>latch.audit.dropped</c> and reported in the log — never silently. Reads go straight to the sink.
/// The queue is a single-reader channel bounded by an atomic count of the events in it: the writer takes events
/// without a lock, so requests recording events never contend with it (a bounded channel locks on both sides).
/// </summary>
internal sealed class AuditTrail : ILatchAuditTrail
{
    private readonly Channel<AuditEntry> _queue;
    private readonly int _capacity;
    private readonly IAuditSink _sink;
    private readonly LatchMetrics _metrics;
    private readonly TimeProvider _timeProvider;
    private long _unreportedDrops;
    private int _pending;

    public AuditTrail(IOptions<LatchAuditOptions> options, IAuditSink sink, LatchMetrics metrics, TimeProvider timeProvider)
    {
        _queue = Channel.CreateUnbounded<AuditEntry>(new UnboundedChannelOptions { SingleReader = true });
        _capacity = options.Value.QueueCapacity;
        _sink = sink;
        _metrics = metrics;
        _timeProvider = timeProvider;
    }

    /// <summary>Events recorded and not yet taken by the writer.</summary>
    internal int Pending => Volatile.Read(ref _pending);

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

    /// <summary>
    /// A lockout ended, with the count of refusals it suppressed (not audited one by one). The subject is the user, or
    /// the client's network as counted (its address with the bits past <c>Latch:Lockout:IPv4Prefix</c> /
    /// <c>IPv6Prefix</c> cleared); the route is that of the refusal that imposed it (none for the admin API).
    /// </summary>
    public void LockoutEnded(Lockout.EndedLockout lockout) => Record(new AuditEntry(
        lockout.EndedAt,
        AuditEventTypes.LockoutEnded,
        null,
        lockout.Route,
        lockout.Subject.User,
        lockout.Subject.Address,
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"suppressed={lockout.Suppressed}"),
        null,
        default));

    /// <summary>A session opened by <paramref name="session"/>'s code for the client at <paramref name="clientIp"/>.</summary>
    public void SessionOpened(Sessions.LatchSession session, IPAddress? clientIp) => Record(new AuditEntry(
        session.OpenedAt, AuditEventTypes.SessionOpened, session.CodeId, session.Route, session.User, clientIp, null, null, AuditEntry.CurrentTraceId));

    /// <summary>A session ended (<paramref name="reason"/>: <c>expired</c>, <c>idle</c>, <c>revoked</c>), by <paramref name="actor"/> when revoked.</summary>
    public void SessionEnded(Sessions.LatchSession session, string reason, string? actor, IPAddress? clientIp) => Record(new AuditEntry(
        _timeProvider.GetUtcNow(), AuditEventTypes.SessionEnded, session.CodeId, session.Route, session.User, clientIp, reason, actor, AuditEntry.CurrentTraceId));

    public void Record(in AuditEntry entry)
    {
        // A place is reserved before the event is queued, so the queue never holds more than its capacity.
        if (Interlocked.Increment(ref _pending) > _capacity || !_queue.Writer.TryWrite(entry))
        {
            Interlocked.Decrement(ref _pending);
            Dropped(1);
        }
    }

    /// <summary>Takes the oldest queued event (for the writer, the only reader).</summary>
    internal bool TryTake(out AuditEntry entry)
    {
        if (!_queue.Reader.TryRead(out entry))
        {
            return false;
        }

        Interlocked.Decrement(ref _pending);
        return true;
    }

    /// <summary>Waits until an event is queued; false once the trail is complete and drained.</summary>
    internal ValueTask<bool> WaitToTakeAsync(CancellationToken cancellationToken) =>
        _queue.Reader.WaitToReadAsync(cancellationToken);

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

    public async IAsyncEnumerable<LatchAuditEvent> QueryAsync(
        AuditQuery query, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var record in _sink.QueryAsync(query, cancellationToken).ConfigureAwait(false))
        {
            yield return record.ToEvent();
        }
    }

    public async IAsyncEnumerable<LatchAuditEvent> ExportAsync(
        DateTimeOffset? since, DateTimeOffset? until, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var record in _sink.ExportAsync(since, until, cancellationToken).ConfigureAwait(false))
        {
            yield return record.ToEvent();
        }
    }
}
