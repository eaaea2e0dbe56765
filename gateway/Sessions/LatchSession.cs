using System.Net;
using LatchGateway.Codes;

namespace LatchGateway.Sessions;

/// <summary>
/// An unlock session as the store knows it: opened by a code on a Session route, it lets that client's following
/// requests through until it ends. The token is known only by its keyed digest.
/// </summary>
/// <param name="Id">The session's id (for the admin API and the audit trail).</param>
/// <param name="TokenDigest">Keyed HMAC of the session token.</param>
/// <param name="CodeId">The code that opened it; revoking that code ends the session.</param>
/// <param name="Route">The only route it works on.</param>
/// <param name="User">The user it is bound to (the code's), if any.</param>
/// <param name="Network">Where its requests may come from: the code's CIDR, else the opening client's address alone.</param>
/// <param name="OpenedAt">When it was opened.</param>
/// <param name="ExpiresAt">When it ends, whatever happens (never extended).</param>
/// <param name="IdleTimeout">Inactivity after which it ends; null for none.</param>
internal sealed record LatchSession(
    string Id,
    CodeDigest TokenDigest,
    string CodeId,
    string Route,
    string? User,
    IPNetwork Network,
    DateTimeOffset OpenedAt,
    DateTimeOffset ExpiresAt,
    TimeSpan? IdleTimeout)
{
    public bool IsExpiredAt(DateTimeOffset now) => now >= ExpiresAt;
}
