using System.Net;
using System.Net.Sockets;

namespace LatchGateway.Lockout;

/// <summary>What failures are counted against: a client address on latched routes, a user, or an address on the admin API.</summary>
internal enum LockoutKind
{
    ClientIp,
    User,
    AdminClientIp,
}

/// <summary>
/// One counted party. A client is counted by the network its address falls in (<c>Latch:Lockout:IPv4Prefix</c> /
/// <c>IPv6Prefix</c> bits), so rotating through the addresses of one IPv6 /64 counts as one client. Equality
/// compares the address itself, so the memory store needs no string per request; <see cref="Key"/> (for Redis) is
/// built only when needed.
/// </summary>
internal readonly record struct LockoutSubject(LockoutKind Kind, IPAddress? Address, int PrefixLength, string? User)
{
    public static LockoutSubject ForClient(IPAddress address, LatchLockoutOptions options) => Counted(LockoutKind.ClientIp, address, options);

    public static LockoutSubject ForUser(string user) => new(LockoutKind.User, null, 0, user);

    public static LockoutSubject ForAdminClient(IPAddress address, LatchLockoutOptions options) => Counted(LockoutKind.AdminClientIp, address, options);

    /// <summary>The Redis key part: the address, with <c>/prefix</c> when it stands for a network.</summary>
    public string Key => Kind switch
    {
        LockoutKind.User => "user:" + User,
        LockoutKind.ClientIp => "ip:" + Network,
        _ => "admin-ip:" + Network,
    };

    /// <summary>The subject a <see cref="Key"/> names; false for text that is not one.</summary>
    public static bool TryParseKey(string key, out LockoutSubject subject)
    {
        ArgumentNullException.ThrowIfNull(key);
        subject = default;
        if (key.StartsWith("user:", StringComparison.Ordinal))
        {
            subject = ForUser(key["user:".Length..]);
            return true;
        }

        var (kind, network) = key.StartsWith("ip:", StringComparison.Ordinal) ? (LockoutKind.ClientIp, key["ip:".Length..])
            : key.StartsWith("admin-ip:", StringComparison.Ordinal) ? (LockoutKind.AdminClientIp, key["admin-ip:".Length..])
            : (LockoutKind.User, string.Empty);
        if (network.Length == 0)
        {
            return false;
        }

        var slash = network.IndexOf('/', StringComparison.Ordinal);
        if (!IPAddress.TryParse(slash < 0 ? network : network[..slash], out var address))
        {
            return false;
        }

        var prefix = FullLength(address);
        if (slash >= 0 && !int.TryParse(network.AsSpan(slash + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out prefix))
        {
            return false;
        }

        subject = new LockoutSubject(kind, address, prefix, null);
        return true;
    }

    private string Network => Address is null || PrefixLength == FullLength(Address) ? $"{Address}" : $"{Address}/{PrefixLength}";

    private static LockoutSubject Counted(LockoutKind kind, IPAddress address, LatchLockoutOptions options)
    {
        var prefix = address.AddressFamily == AddressFamily.InterNetworkV6 ? options.IPv6Prefix : options.IPv4Prefix;
        return new LockoutSubject(kind, Mask(address, prefix), prefix, null);
    }

    private static int FullLength(IPAddress address) => address.AddressFamily == AddressFamily.InterNetworkV6 ? 128 : 32;

    /// <summary>The first <paramref name="prefix"/> bits of <paramref name="address"/>, the rest zero; the address itself when whole.</summary>
    private static IPAddress Mask(IPAddress address, int prefix)
    {
        if (prefix >= FullLength(address))
        {
            return address;
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out var length);
        bytes = bytes[..length];
        var whole = prefix / 8;
        if (whole < length)
        {
            bytes[whole] &= (byte)(0xFF << (8 - (prefix % 8)));
            bytes[(whole + 1)..].Clear();
        }

        return new IPAddress(bytes);
    }
}
