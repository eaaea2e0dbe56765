using LatchGateway.Audit;
using LatchGateway.Contracts;
using LatchGateway.Diagnostics;
using LatchGateway.Notifications;

namespace LatchGateway.Access;

/// <summary>
/// Records each transition of an access request once, where it happened: an audit event (type, requester as the
/// user, actor, and a reason that names the request: see <see cref="Describe"/>), the <c>latch_access_requests_total{route,state}</c> count, and a log line.
/// Every state the flow reaches passes through here, so this is where anything that reacts to it hooks in.
/// </summary>
internal sealed class AccessTrail(
    AuditTrail audit,
    LatchMetrics metrics,
    NotificationPublisher notifications,
    TimeProvider timeProvider,
    ILogger<AccessTrail> logger)
{
    /// <summary>Stores the notifications the rules ask for about <paramref name="type"/> (an <c>access.*</c> event) before the call returns.</summary>
    public ValueTask AnnounceAsync(string type, AccessRequest request, CancellationToken cancellationToken) =>
        notifications.PublishAsync(type, DataOf(request), cancellationToken);

    /// <summary>Stores the one message that carries a granted request's code to its requester through the policy's <c>Delivery</c> channel.</summary>
    public ValueTask DeliverAsync(string channel, AccessRequest request, IssuedLatchCode code, CancellationToken cancellationToken) =>
        notifications.DeliverAsync(channel, DataOf(request) with { Code = code.Code, ExpiresAt = code.Info.ExpiresAt }, cancellationToken);

    /// <summary>What a notification says about a request: never its code.</summary>
    internal static NotificationData DataOf(AccessRequest request) => new()
    {
        RequestId = request.Id,
        Route = request.Route,
        Requester = request.Requester,
        RequesterEmail = request.RequesterEmail,
        Reason = request.Reason,
        State = request.State.ToString().ToLowerInvariant(),
        ApprovedBy = [.. request.Approvals.Select(static a => a.By)],
        ApprovalsNeeded = request.ApprovalsNeeded,
        DecidedBy = request.DecidedBy,
        DecisionReason = request.DecisionReason,
        ExpiresAt = request.ExpiresAt,
        CodeId = request.CodeId,
    };

    /// <summary>
    /// A new request: audited as asked for; counted as <c>pending</c> only when it waits for review (a break-glass or
    /// review-free request enters <c>break_glass</c> or <c>granted</c> instead, counted by <see cref="BrokeGlass"/> or <see cref="Granted"/>).
    /// </summary>
    public void Requested(AccessRequest request, AccessPerson requester)
    {
        audit.Record(Entry(request, AuditEventTypes.AccessRequested, requester.User, requester.Address, request.Reason, request.CreatedAt));
        if (request.State == AccessRequestState.Pending)
        {
            metrics.AccessTransition(request.Route, "pending");
        }

        Log.AccessTransition(logger, request.Id, request.Route, request.State == AccessRequestState.Pending ? "pending" : "requested", requester.User);
    }

    public void BrokeGlass(AccessRequest request, AccessPerson requester)
    {
        Record(request, AuditEventTypes.BreakGlass, "break_glass", requester.User, requester.Address, request.Reason, request.CreatedAt);
        Log.AccessBreakGlass(logger, request.Id, request.Route, request.Requester);
    }

    /// <summary>Granted by enough approvals (the last by <paramref name="approver"/>), or without review when the policy needs none.</summary>
    public void Granted(AccessRequest request, AccessPerson? approver) =>
        Record(request, AuditEventTypes.AccessGranted, "granted", approver?.User, approver?.Address, null, null);

    public void Approved(AccessRequest request, AccessPerson approver, string? reason) =>
        audit.Record(Entry(request, AuditEventTypes.AccessApproved, approver.User, approver.Address, reason, null));

    public void Denied(AccessRequest request, AccessPerson approver) =>
        Record(request, AuditEventTypes.AccessDenied, "denied", approver.User, approver.Address, request.DecisionReason, request.EndedAt);

    public void Cancelled(AccessRequest request, AccessPerson requester) =>
        Record(request, AuditEventTypes.AccessCancelled, "cancelled", requester.User, requester.Address, null, request.EndedAt);

    /// <summary>Its deadline passed: <c>pending_ttl</c> when it was never granted, <c>pickup_window</c> when its code was never picked up.</summary>
    public void Expired(AccessRequest request)
    {
        var granted = request.BreakGlass || request.Approvals.Count >= request.ApprovalsNeeded;
        Record(request, AuditEventTypes.AccessExpired, "expired", null, null, granted ? "pickup_window" : "pending_ttl", request.EndedAt);
    }

    /// <summary>Picked up: the code's own <c>issued</c> event is recorded by the code service; this counts the transition.</summary>
    public void Issued(AccessRequest request)
    {
        metrics.AccessTransition(request.Route, "issued");
        Log.AccessTransition(logger, request.Id, request.Route, "issued", request.Requester);
    }

    private void Record(AccessRequest request, string type, string state, string? actor, System.Net.IPAddress? address, string? reason, DateTimeOffset? time)
    {
        audit.Record(Entry(request, type, actor, address, reason, time));
        metrics.AccessTransition(request.Route, state);
        Log.AccessTransition(logger, request.Id, request.Route, state, actor);
    }

    /// <summary>
    /// The reason an audit event or a picked-up code carries: the text given, followed by the request's id, so that
    /// <c>/admin/audit</c> (whose members are fixed) shows every step of one request.
    /// </summary>
    public static string Describe(string requestId, string? text) =>
        text is null ? $"access request {requestId}" : $"{text} (access request {requestId})";

    private AuditEntry Entry(AccessRequest request, string type, string? actor, System.Net.IPAddress? address, string? reason, DateTimeOffset? time) =>
        new(time ?? timeProvider.GetUtcNow(), type, request.CodeId, request.Route, request.Requester, address, Describe(request.Id, reason), actor, AuditEntry.CurrentTraceId);
}
