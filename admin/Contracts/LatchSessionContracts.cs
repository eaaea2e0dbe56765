namespace LatchGateway.Contracts;

/// <summary>An open unlock session as the admin API shows it: everything but its token.</summary>
/// <param name="Id">The session's id.</param>
/// <param name="CodeId">The code that opened it.</param>
/// <param name="Route">The only route it works on.</param>
/// <param name="User">The user it is bound to, if any.</param>
/// <param name="ClientIp">Where its requests may come from: an address, or a range in CIDR notation.</param>
/// <param name="OpenedAt">When it was opened.</param>
/// <param name="ExpiresAt">When it ends at the latest.</param>
public sealed record LatchSessionInfo(
    string Id,
    string CodeId,
    string Route,
    string? User,
    string ClientIp,
    DateTimeOffset OpenedAt,
    DateTimeOffset ExpiresAt);
