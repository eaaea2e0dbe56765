namespace Latchctl.Api;

/// <summary>One audit event (<c>GET /admin/audit</c>). Two reads of the same event are equal, member by member.</summary>
internal sealed record AuditEvent(
    DateTimeOffset Time,
    string Type,
    string? CodeId,
    string? Route,
    string? User,
    string? ClientIp,
    string? Reason,
    string? Actor,
    string? TraceId);

/// <summary>The filters of <c>GET /admin/audit</c>; null ones are not sent.</summary>
internal sealed record AuditQuery(string? Route, string? User, string? Type, DateTimeOffset? Since, int? Limit);

/// <summary>The range and format of <c>GET /admin/audit/export</c>.</summary>
internal sealed record AuditExport(DateTimeOffset? Since, DateTimeOffset? Until, string? Format);
