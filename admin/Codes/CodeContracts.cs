using System.ComponentModel.DataAnnotations;
using LatchGateway.Contracts;

namespace LatchGateway.Admin.Codes;

/// <summary>Body of <c>POST /admin/codes</c>. Only <c>route</c> is required.</summary>
public sealed record IssueCodeRequest
{
    /// <summary>Id of a latched route.</summary>
    [Required]
    [MaxLength(IssueCodeRequestReader.MaxRouteLength)]
    public string? Route { get; init; }

    /// <summary>Bind the code to this user (exact match).</summary>
    [MaxLength(IssueCodeRequestReader.MaxUserLength)]
    public string? User { get; init; }

    /// <summary>Bind the code to this client address or CIDR range, e.g. 203.0.113.7 or 10.0.0.0/8.</summary>
    [MaxLength(IssueCodeRequestReader.MaxIpLength)]
    public string? Ip { get; init; }

    /// <summary>Lifetime in seconds; defaults to Latch:Codes:DefaultTtl, at most Latch:Codes:MaxTtl.</summary>
    [Range(1, int.MaxValue)]
    public int? TtlSeconds { get; init; }

    /// <summary>On a Session route: a shorter session than the route's SessionLifetime, in seconds.</summary>
    [Range(1, int.MaxValue)]
    public int? SessionSeconds { get; init; }

    /// <summary>Why the code is issued (ticket, incident); kept with the code and in the audit trail.</summary>
    [MaxLength(IssueCodeRequestReader.MaxReasonLength)]
    public string? Reason { get; init; }
}

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
