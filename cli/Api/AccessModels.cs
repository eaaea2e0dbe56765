namespace Latchctl.Api;

/// <summary>Body of <c>POST /access/requests</c>; members left null are not sent.</summary>
internal sealed record NewAccessRequestBody(string Route, string? Reason, int? TtlSeconds, int? SessionSeconds, string? Ip, bool? BreakGlass);

/// <summary>Body of an approval or a denial.</summary>
internal sealed record ReviewBody(string? Reason);

/// <summary>One approval of an access request.</summary>
internal sealed record AccessApproval(string By, DateTimeOffset At, string? Reason);

/// <summary>An access request as the API shows it. <see cref="State"/> is kept as the API spells it.</summary>
internal sealed record AccessRequest(
    string Id,
    string Route,
    string Requester,
    string? Reason,
    string? Ip,
    int TtlSeconds,
    int? SessionSeconds,
    string State,
    bool BreakGlass,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    IReadOnlyList<AccessApproval>? Approvals,
    int ApprovalsNeeded,
    string? DecidedBy,
    string? DecisionReason,
    string? CodeId);

/// <summary>The filters of <c>GET /access/requests</c>; null or false ones are not sent.</summary>
internal sealed record AccessRequestQuery(string? State, string? Route, bool Mine, bool Reviewable, int? Limit);

/// <summary>The states of an access request, as the API spells them.</summary>
internal static class AccessStates
{
    public const string Pending = "pending";
    public const string Granted = "granted";
    public const string Denied = "denied";
    public const string Expired = "expired";
    public const string Cancelled = "cancelled";
    public const string Issued = "issued";

    public static readonly string[] All = [Pending, Granted, Denied, Expired, Cancelled, Issued];
}
