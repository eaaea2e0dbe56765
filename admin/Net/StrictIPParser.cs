using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;

namespace LatchGateway.Net;

/// <summary>
/// Reads IP addresses and CIDR ranges written by an operator, in their plain forms only. .NET would also read
/// <c>10.1</c> (10.0.0.1), <c>010.0.0.1</c> (octal: 8.0.0.1) or <c>0x7f.1</c>, each another host than the one
/// meant, and would quietly widen <c>10.0.0.1/8</c> to 10.0.0.0/8; here they are all refused, as are zone ids,
/// whitespace, brackets and ports. A single address written IPv4-mapped (<c>::ffff:10.1.2.3</c>) reads as IPv4.
/// </summary>
public static class StrictIPParser
{
    /// <summary>An address: IPv4 as a dotted quad of decimal octets without leading zeros, or IPv6.</summary>
    public static bool TryParseAddress(string? text, [NotNullWhen(true)] out IPAddress? address)
    {
        if (!TryReadAddress(text, out address))
        {
            return false;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        return true;
    }

    /// <summary>
    /// A CIDR range <c>address/prefix</c>: a decimal prefix within the family's bits and every host bit zero. The
    /// address is kept as written (an IPv4-mapped range stays IPv6).
    /// </summary>
    public static bool TryParseRange(string? text, out IPNetwork range)
    {
        range = default;
        var slash = text?.IndexOf('/', StringComparison.Ordinal) ?? -1;
        if (slash < 0
            || !TryReadAddress(text![..slash], out var start)
            || !TryReadDecimal(text.AsSpan(slash + 1), BitsOf(start), out var prefix)
            || !HostBitsAreZero(start, prefix))
        {
            return false;
        }

        range = new IPNetwork(start, prefix);
        return true;
    }

    /// <summary>A CIDR range, or an address read as the range of that one host (<c>/32</c> or <c>/128</c>).</summary>
    public static bool TryParseAddressOrRange(string? text, out IPNetwork range)
    {
        if (text is not null && text.Contains('/', StringComparison.Ordinal))
        {
            return TryParseRange(text, out range);
        }

        range = default;
        if (!TryParseAddress(text, out var address))
        {
            return false;
        }

        range = new IPNetwork(address, BitsOf(address));
        return true;
    }

    /// <summary>As <see cref="TryParseAddress"/>, for text already checked: throws <see cref="FormatException"/> otherwise.</summary>
    public static IPAddress ParseAddress(string text) =>
        TryParseAddress(text, out var address) ? address : throw new FormatException($"'{text}' is not an IP address in plain form.");

    /// <summary>As <see cref="TryParseRange"/>, for text already checked: throws <see cref="FormatException"/> otherwise.</summary>
    public static IPNetwork ParseRange(string text) =>
        TryParseRange(text, out var range) ? range : throw new FormatException($"'{text}' is not a CIDR range in plain form.");

    private static bool TryReadAddress(string? text, [NotNullWhen(true)] out IPAddress? address)
    {
        address = null;
        if (string.IsNullOrEmpty(text) || !HasOnlyAddressCharacters(text))
        {
            return false;
        }

        // An IPv6 address may end in an embedded IPv4 one (::ffff:10.1.2.3); that part is held to the same form.
        var colon = text.LastIndexOf(':');
        if (colon < 0 || text.Contains('.', StringComparison.Ordinal))
        {
            if (!IsDottedQuad(text.AsSpan(colon + 1)))
            {
                return false;
            }
        }

        return IPAddress.TryParse(text, out address);
    }

    private static bool HasOnlyAddressCharacters(string text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiHexDigit(c) && c is not ('.' or ':'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsDottedQuad(ReadOnlySpan<char> text)
    {
        var octets = 0;
        foreach (var range in text.Split('.'))
        {
            if (++octets > 4 || !TryReadDecimal(text[range], 255, out _))
            {
                return false;
            }
        }

        return octets == 4;
    }

    /// <summary>1 to 3 decimal digits, no leading zero, at most <paramref name="max"/>.</summary>
    private static bool TryReadDecimal(ReadOnlySpan<char> text, int max, out int value)
    {
        value = 0;
        if (text.Length is 0 or > 3 || (text.Length > 1 && text[0] == '0'))
        {
            return false;
        }

        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        return value <= max;
    }

    private static int BitsOf(IPAddress address) => address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;

    private static bool HostBitsAreZero(IPAddress address, int prefix)
    {
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out var length);
        for (var bit = prefix; bit < length * 8; bit++)
        {
            if ((bytes[bit / 8] & (0x80 >> (bit % 8))) != 0)
            {
                return false;
            }
        }

        return true;
    }
}
