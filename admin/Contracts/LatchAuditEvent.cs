namespace LatchGateway.Contracts;

/// <summary>
/// One audit event: what happened to a code, where, and on whose behalf. Never carries the code itself.
/// </summary>
/// <param name="Time">When it happened (UTC).</param>
/// <param name="Type"><c>issued</c>, <c>accepted</c>, <c>rejected</c>, <c>revoked</c>, <c>locked_out</c>, <c>lockout_ended</c>, … (see <see cref="AuditEventTypes"/>).</param>
/// <param name="CodeId">Id of the code concerned, when one was found.</param>
/// <param name="Route">Route id.</param>
/// <param name="User">For presentations, the authenticated presenter; for issues, the user the code is bound to.</param>
/// <param name="ClientIp">The client's address: the presenter's, or for admin actions the caller's.</param>
/// <param name="Reason">For rejections and lockouts the precise reason (<c>expired</c>, <c>ip_mismatch</c>, …); for the end of a lockout <c>suppressed=&lt;N&gt;</c>, the requests it refused; for issues the issue request's reason.</param>
/// <param name="Actor">For admin actions, the API key's name.</param>
/// <param name="TraceId">The request's W3C trace id.</param>
public sealed record LatchAuditEvent(
    DateTimeOffset Time,
    string Type,
    string? CodeId,
    string? Route,
    string? User,
    string? ClientIp,
    string? Reason,
    string? Actor,
    string? TraceId);

/// <summary>The values of <see cref="LatchAuditEvent.Type"/>.</summary>
public static class AuditEventTypes
{
    public const string Issued = "issued";
    public const string Accepted = "accepted";
    public const string Rejected = "rejected";
    public const string Revoked = "revoked";
    public const string LockedOut = "locked_out";
    public const string LockoutEnded = "lockout_ended";
    public const string SessionOpened = "session_opened";
    public const string SessionEnded = "session_ended";
    public const string AccessRequested = "access_requested";
    public const string AccessApproved = "access_approved";
    public const string AccessGranted = "access_granted";
    public const string AccessDenied = "access_denied";
    public const string AccessCancelled = "access_cancelled";
    public const string AccessExpired = "access_expired";
    public const string BreakGlass = "break_glass";
    public const string NotificationFailed = "notification_failed";

    public static IReadOnlyList<string> All { get; } =
    [
        Issued, Accepted, Rejected, Revoked, LockedOut, LockoutEnded, SessionOpened, SessionEnded,
        AccessRequested, AccessApproved, AccessGranted, AccessDenied, AccessCancelled, AccessExpired, BreakGlass,
        NotificationFailed,
    ];
}
