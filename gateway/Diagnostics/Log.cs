using System.Net;

namespace LatchGateway.Diagnostics;

/// <summary>The gateway's log events. None of them carries a code or an API key: codes are named by id.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Debug, "Swept {Count} expired {Items} from memory.")]
    public static partial void Swept(ILogger logger, int count, string items);

    [LoggerMessage(2, LogLevel.Debug, "Latch code {CodeId} accepted on route {Route}.")]
    public static partial void PresentationAccepted(ILogger logger, string route, string codeId);

    // Debug: every refusal is in the audit trail already; at Information a guessing client would flood the log.
    [LoggerMessage(3, LogLevel.Debug, "Latch presentation refused on route {Route}: {Outcome} (code {CodeId}, client {ClientIp}).")]
    public static partial void PresentationRefused(ILogger logger, string route, string outcome, string? codeId, IPAddress? clientIp);

    // One line without a stack trace: during an outage every presentation logs it (the connection logs the outage itself).
    [LoggerMessage(4, LogLevel.Warning, "Latch code store unavailable while validating a presentation on route {Route}; refusing (fail closed): {Reason}")]
    public static partial void StoreUnavailable(ILogger logger, string route, string reason);

    [LoggerMessage(5, LogLevel.Information, "Latch code {CodeId} issued for route {Route} by {IssuedBy}, expires {ExpiresAt:O}.")]
    public static partial void CodeIssued(ILogger logger, string codeId, string route, string issuedBy, DateTimeOffset expiresAt);

    [LoggerMessage(6, LogLevel.Information, "Latch code {CodeId} on route {Route} revoked by {Actor}.")]
    public static partial void CodeRevoked(ILogger logger, string codeId, string route, string actor);

    [LoggerMessage(7, LogLevel.Warning, "Development: serving the built-in echo backend and a latched demo route. Never run the Development environment in production.")]
    public static partial void DevelopmentDemoEnabled(ILogger logger);

    [LoggerMessage(8, LogLevel.Warning, "{Count} audit events were dropped: the audit queue was full or the sink failed. See latch_audit_dropped_total.")]
    public static partial void AuditEventsDropped(ILogger logger, long count);

    [LoggerMessage(9, LogLevel.Error, "Writing {Count} audit events failed after retries; they are dropped.")]
    public static partial void AuditWriteFailed(ILogger logger, int count, Exception exception);

    [LoggerMessage(10, LogLevel.Warning, "Lockout imposed on {Subject} (route {Route}, client {ClientIp}) for {Seconds} s after repeated refusals.")]
    public static partial void LockedOut(ILogger logger, string subject, string? route, IPAddress? clientIp, int seconds);

    [LoggerMessage(220, LogLevel.Information, "Lockout ended ({Subject}, route {Route}); {Suppressed} requests were refused while it ran.")]
    public static partial void LockoutEnded(ILogger logger, string subject, string? route, long suppressed);

    [LoggerMessage(12, LogLevel.Error, "Validating a presentation on route {Route} failed unexpectedly; refusing (fail closed).")]
    public static partial void PresentationFailed(ILogger logger, string route, Exception exception);

    // Debug, like Kestrel's own bad-request events: a scanner sends such paths by the thousand. latch_paths_rejected_total
    // counts them at every level. The path is the raw one, without the query string (which may hold a code).
    [LoggerMessage(20, LogLevel.Debug, "Ambiguous request path refused on the Proxy listener ({Reason}): {RawPath} (client {ClientIp}).")]
    public static partial void PathRejected(ILogger logger, string reason, string rawPath, IPAddress? clientIp);

    [LoggerMessage(13, LogLevel.Warning, "Latch code {CodeId} presented on route {Route} by a locked-out client could not be put back: it stays consumed.")]
    public static partial void RestoreFailed(ILogger logger, string route, string? codeId, Exception exception);

    [LoggerMessage(14, LogLevel.Error, "Sweeping expired {Items} failed; the next sweep will try again.")]
    public static partial void SweepFailed(ILogger logger, string items, Exception exception);

    [LoggerMessage(50, LogLevel.Information, "Unlock session {SessionId} (code {CodeId}) on route {Route} ended by {Actor}.")]
    public static partial void SessionRevoked(ILogger logger, string sessionId, string codeId, string route, string actor);

    [LoggerMessage(60, LogLevel.Information, "Session {SessionId} opened on route {Route} by code {CodeId}; it ends at {ExpiresAt:O}.")]
    public static partial void SessionOpened(ILogger logger, string route, string sessionId, string codeId, DateTimeOffset expiresAt);

    [LoggerMessage(61, LogLevel.Information, "Session {SessionId} on route {Route} ended: {Reason}.")]
    public static partial void SessionEnded(ILogger logger, string route, string sessionId, string reason);

    [LoggerMessage(62, LogLevel.Debug, "Session {SessionId} refused on route {Route}: not this route, client or user (client {ClientIp}).")]
    public static partial void SessionRefused(ILogger logger, string route, string sessionId, IPAddress? clientIp);

    [LoggerMessage(70, LogLevel.Information, "Access request {RequestId} for route {Route} is now {State} (by {Actor}).")]
    public static partial void AccessTransition(ILogger logger, string requestId, string route, string state, string? actor);

    [LoggerMessage(71, LogLevel.Warning, "Break-glass: access request {RequestId} for route {Route} granted by its requester {Requester} without review.")]
    public static partial void AccessBreakGlass(ILogger logger, string requestId, string route, string requester);

    [LoggerMessage(80, LogLevel.Warning, "Notification {MessageId} ({Event}) failed on every channel ({Channels}): {Detail}")]
    public static partial void NotificationFailed(ILogger logger, string messageId, string @event, string channels, string detail);

    [LoggerMessage(81, LogLevel.Warning, "Notification {MessageId} ({Event}) was lost: the outbox could not be reached: {Reason}")]
    public static partial void NotificationLost(ILogger logger, string messageId, string @event, string reason);

    [LoggerMessage(83, LogLevel.Warning, "Notification {MessageId} on channel {Channel}: the attempt threw.")]
    public static partial void NotificationAttemptFailed(ILogger logger, string messageId, string channel, Exception exception);

    [LoggerMessage(84, LogLevel.Information, "Notification {MessageId} on channel {Channel}: attempt {Attempt} failed ({Detail}); retrying in {Wait}.")]
    public static partial void NotificationRetrying(ILogger logger, string messageId, string channel, int attempt, TimeSpan wait, string detail);

    [LoggerMessage(85, LogLevel.Warning, "Notification {MessageId}: channel {Channel} failed it ({Detail}); falling back to {Next}.")]
    public static partial void NotificationFallingBack(ILogger logger, string messageId, string channel, string next, string detail);
    [LoggerMessage(90, LogLevel.Error, "Outbox entry {MessageId} is not an entry this gateway can read (written by another version, or damaged); it was dropped.")]
    public static partial void OutboxEntryUnreadable(ILogger logger, string messageId);

    // Once per outage of a background loop, without a stack trace: the loop retries every second or sweep meanwhile.
    [LoggerMessage(270, LogLevel.Warning, "The {Loop} cannot reach Redis; it keeps retrying and logs once it reaches Redis again: {Reason}")]
    public static partial void LoopStoreUnreachable(ILogger logger, string loop, string reason);

    [LoggerMessage(271, LogLevel.Information, "The {Loop} reaches Redis again.")]
    public static partial void LoopStoreReachable(ILogger logger, string loop);
}
