using System.Net;

namespace LatchGateway.Lockout;

/// <summary>What failures are counted against: a client address on latched routes, a user, or an address on the admin API.</summary>
internal enum LockoutKind
{
    ClientIp,
    User,
    AdminClientIp,
}

/// <summary>
/// One counted party. Equality compares the address itself, so the memory store needs no string per request;
/// <see cref="Key"/> (for Redis) is built only when needed.
/// </summary>
internal readonly record struct LockoutSubject(LockoutKind Kind, IPAddress? Address, string? User)
{
    public static LockoutSubject ForClient(IPAddress address) => new(LockoutKind.ClientIp, address, null);

    public static LockoutSubject ForUser(string user) => new(LockoutKind.User, null, user);

    public static LockoutSubject ForAdminClient(IPAddress address) => new(LockoutKind.AdminClientIp, address, null);

    public string Key => Kind switch
    {
        LockoutKind.ClientIp => "ip:" + Address,
        LockoutKind.User => "user:" + User,
        _ => "admin-ip:" + Address,
    };
}
