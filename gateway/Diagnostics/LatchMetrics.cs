using System.Diagnostics.Metrics;
using LatchGateway.Paths;
using LatchGateway.Burn;

namespace LatchGateway.Diagnostics;

/// <summary>The <c>LatchGateway</c> meter. Labels are bounded: route ids, outcomes and reasons, never users, IPs, paths or codes.</summary>
internal sealed class LatchMetrics
{
    public const string MeterName = "LatchGateway";

    private static readonly double[] DurationBuckets =
        [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

    private readonly Counter<long> _validations;
    private readonly Counter<long> _issued;
    private readonly Counter<long> _revoked;
    private readonly Counter<long> _lockouts;
    private readonly Histogram<double> _validationDuration;
    private readonly Counter<long> _auditDropped;
    private readonly Counter<long> _sessionsOpened;
    private readonly Counter<long> _sessionsEnded;
    private readonly Counter<long> _pathsRejected;
    private readonly Counter<long> _accessRequests;
    private readonly Counter<long> _notifications;
    private int _storeAvailable = 1;

    public LatchMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _validations = meter.CreateCounter<long>("latch.validations", description: "Presentations on latched routes, by route and outcome.");
        _issued = meter.CreateCounter<long>("latch.codes.issued", description: "Codes issued, by route.");
        _revoked = meter.CreateCounter<long>("latch.codes.revoked", description: "Codes revoked, by route.");
        _lockouts = meter.CreateCounter<long>("latch.lockouts", description: "Clients locked out after repeated refusals.");
        _validationDuration = meter.CreateHistogram(
            "latch.validation.duration",
            unit: "s",
            description: "Time to validate and burn a code, by route.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _auditDropped = meter.CreateCounter<long>("latch.audit.dropped", description: "Audit events dropped: queue full or sink failing.");
        _sessionsOpened = meter.CreateCounter<long>("latch.sessions.opened", description: "Unlock sessions opened, by route.");
        _sessionsEnded = meter.CreateCounter<long>("latch.sessions.ended", description: "Unlock sessions ended, by route and reason (expired, idle, revoked).");
        _pathsRejected = meter.CreateCounter<long>(
            "latch.paths.rejected", description: "Requests on the Proxy listener refused before routing for an ambiguous path, by reason.");
        _accessRequests = meter.CreateCounter<long>(
            "latch.access.requests",
            description: "Access request transitions, by route and the state entered (pending, granted, break_glass, denied, cancelled, expired, issued).");
        _notifications = meter.CreateCounter<long>(
            "latch.notifications",
            description: "Notification attempts, by channel and outcome (sent, retried, failed).");
        meter.CreateObservableGauge(
            "latch.store.available",
            () => Volatile.Read(ref _storeAvailable),
            description: "1 when the last code-store operation reached the store, 0 when it could not.");
    }

    public void Validated(string route, LatchOutcome outcome, TimeSpan elapsed)
    {
        var routeTag = new KeyValuePair<string, object?>("route", route);
        _validations.Add(1, routeTag, new KeyValuePair<string, object?>("outcome", outcome.ToName()));
        _validationDuration.Record(elapsed.TotalSeconds, routeTag);
    }

    /// <summary>Counts nothing but makes the series of a route and outcome exist at 0 (see <see cref="LatchMetricsBaseline"/>).</summary>
    public void Validated(string route, LatchOutcome outcome, long count) =>
        _validations.Add(count, new KeyValuePair<string, object?>("route", route), new KeyValuePair<string, object?>("outcome", outcome.ToName()));

    public void Issued(string route, long count = 1) => _issued.Add(count, new KeyValuePair<string, object?>("route", route));

    public void Revoked(string route, long count = 1) => _revoked.Add(count, new KeyValuePair<string, object?>("route", route));

    public void LockedOut(long count = 1) => _lockouts.Add(count);

    public void SessionOpened(string route, long count = 1) => _sessionsOpened.Add(count, new KeyValuePair<string, object?>("route", route));

    /// <summary>A session ended; <paramref name="reason"/> is one of <c>expired</c>, <c>idle</c>, <c>revoked</c>.</summary>
    public void SessionEnded(string route, string reason, long count = 1) =>
        _sessionsEnded.Add(count, new KeyValuePair<string, object?>("route", route), new KeyValuePair<string, object?>("reason", reason));

    /// <summary>An access request entered <paramref name="state"/> (a state name, or <c>break_glass</c> for a break-glass grant).</summary>
    public void AccessTransition(string route, string state, long count = 1) =>
        _accessRequests.Add(count, new KeyValuePair<string, object?>("route", route), new KeyValuePair<string, object?>("state", state));

    /// <summary>One notification attempt's outcome on a channel: <c>sent</c>, <c>retried</c> or <c>failed</c> (the channel gave up on it).</summary>
    public void Notification(string channel, string outcome, long count = 1) =>
        _notifications.Add(count, new KeyValuePair<string, object?>("channel", channel), new KeyValuePair<string, object?>("outcome", outcome));

    public void AuditDropped(long count) => _auditDropped.Add(count);

    /// <summary>One ambiguous path refused; the label is one of the few fixed reason names, never the path.</summary>
    public void PathRejected(PathRejection reason, long count = 1) => _pathsRejected.Add(count, new KeyValuePair<string, object?>("reason", reason.ToName()));

    /// <summary>
    /// Records whether the store answered (reported by the Redis connection, the one place every Redis operation
    /// runs through; the memory store is always reachable). Writes only on a change, so the hot path shares no
    /// dirty cache line.
    /// </summary>
    public void StoreReachable(bool reachable)
    {
        var value = reachable ? 1 : 0;
        if (Volatile.Read(ref _storeAvailable) != value)
        {
            Volatile.Write(ref _storeAvailable, value);
        }
    }
}
