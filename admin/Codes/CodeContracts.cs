namespace LatchGateway.Admin.Codes;

/// <summary>Body of <c>POST /admin/codes</c>. Only <c>route</c> is required.</summary>
/// <param name="Route">Id of a latched route.</param>
/// <param name="User">Bind the code to this user (exact match).</param>
/// <param name="Ip">Bind the code to this client address or CIDR range.</param>
/// <param name="TtlSeconds">Lifetime in seconds; defaults to <c>Latch:Codes:DefaultTtl</c>, at most <c>Latch:Codes:MaxTtl</c>.</param>
/// <param name="Reason">Why the code is issued (ticket, incident); kept with the code.</param>
public sealed record IssueCodeRequest(string? Route, string? User, string? Ip, int? TtlSeconds, string? Reason);

/// <summary>Answer to <c>POST /admin/codes</c>: the only place a code ever appears.</summary>
public sealed record IssuedCodeResponse(
    string Id,
    string Code,
    string Route,
    string? User,
    string? Ip,
    DateTimeOffset IssuedAt,
    DateTimeOffset ExpiresAt,
    string IssuedBy,
    string? Reason)
{
    internal static IssuedCodeResponse From(IssuedLatchCode issued)
    {
        var info = issued.Info;
        return new(info.Id, issued.Code, info.Route, info.User, info.Ip, info.IssuedAt, info.ExpiresAt, info.IssuedBy, info.Reason);
    }
}
