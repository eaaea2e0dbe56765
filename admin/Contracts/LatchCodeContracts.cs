using System.Net;

namespace LatchGateway.Contracts;

/// <summary>A validated request to issue a code.</summary>
/// <param name="Route">Route id the code opens.</param>
/// <param name="User">User the code is bound to, if any.</param>
/// <param name="Network">Client address range the code is bound to, if any.</param>
/// <param name="Ttl">Lifetime of the code.</param>
/// <param name="Reason">Free text kept with the code (ticket, incident).</param>
/// <param name="Actor">Who issues the code: the API key's name and the caller's address.</param>
public sealed record LatchCodeIssue(string Route, string? User, IPNetwork? Network, TimeSpan Ttl, string? Reason, LatchActor Actor)
{
    /// <summary>On a Session route, a session shorter than the route's lifetime; null for the route's own.</summary>
    public TimeSpan? SessionLifetime { get; init; }
}

/// <summary>Who performs an admin action: the API key's name and the address the call came from.</summary>
public sealed record LatchActor(string Name, IPAddress? Address);

/// <summary>Metadata of a code: everything but the code itself.</summary>
public sealed record LatchCodeInfo(
    string Id,
    string Route,
    string? User,
    string? Ip,
    DateTimeOffset IssuedAt,
    DateTimeOffset ExpiresAt,
    string IssuedBy,
    string? Reason);

/// <summary>What <c>GET /admin/codes</c> asks for: live codes of a route and a user, newest first, one page at a time.</summary>
/// <param name="Route">Only codes for this route, when given.</param>
/// <param name="User">Only codes bound to this user, when given.</param>
/// <param name="Limit">At most this many codes (1 to <see cref="MaxLimit"/>).</param>
/// <param name="Cursor">Where the page starts: the next-page cursor of an earlier page, or null for the newest codes.</param>
public sealed record LatchCodeQuery(string? Route, string? User, int Limit, string? Cursor)
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;
}

/// <summary>One page of live codes' metadata, newest first.</summary>
/// <param name="Codes">At most the query's limit of codes.</param>
/// <param name="NextCursor">The cursor of the next page, or null when this page holds the last of the codes.</param>
public sealed record LatchCodePage(IReadOnlyList<LatchCodeInfo> Codes, string? NextCursor);

/// <summary>A freshly issued code and its metadata.</summary>
public sealed record IssuedLatchCode(string Code, LatchCodeInfo Info);

/// <summary>What revoking a code did.</summary>
/// <param name="Code">The code revoked, or null when it was not live (consumed, expired, revoked or unknown).</param>
/// <param name="EndedSessions">The open sessions the code had opened, now ended.</param>
public sealed record LatchCodeRevocation(LatchCodeInfo? Code, IReadOnlyList<LatchSessionInfo> EndedSessions)
{
    /// <summary>Whether there was anything to revoke: a live code, or a session it opened.</summary>
    public bool Found => Code is not null || EndedSessions.Count > 0;
}
