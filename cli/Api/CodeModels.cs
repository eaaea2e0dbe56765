namespace Latchctl.Api;

/// <summary>A proxy route (<c>GET /admin/routes</c>).</summary>
internal sealed record RouteInfo(string Id, bool Latch, string? Path);

/// <summary>Body of <c>POST /admin/codes</c>; members left null are not sent.</summary>
internal sealed record IssueCodeBody(string Route, string? User, string? Ip, int? TtlSeconds, int? SessionSeconds, string? Reason);

/// <summary>The issue response (<c>POST /admin/codes</c>, <c>POST /access/requests/{id}/code</c>): the only place a code appears.</summary>
internal sealed record IssuedCode(
    string Id,
    string Code,
    string Route,
    string? User,
    string? Ip,
    DateTimeOffset IssuedAt,
    DateTimeOffset ExpiresAt,
    string? IssuedBy,
    string? Reason);

/// <summary>A live code's metadata (<c>GET /admin/codes</c>): everything but the code.</summary>
internal sealed record CodeInfo(
    string Id,
    string Route,
    string? User,
    string? Ip,
    DateTimeOffset IssuedAt,
    DateTimeOffset ExpiresAt,
    string? IssuedBy,
    string? Reason);

/// <summary>An open unlock session (<c>GET /admin/sessions</c>).</summary>
internal sealed record SessionInfo(
    string Id,
    string? CodeId,
    string Route,
    string? User,
    string? ClientIp,
    DateTimeOffset OpenedAt,
    DateTimeOffset ExpiresAt);
