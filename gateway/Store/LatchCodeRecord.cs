using System.Net;
using LatchGateway.Codes;

namespace LatchGateway.Store;

/// <summary>
/// A code as the store knows it: its digest and bindings, never the code. An immutable value; where the code is in
/// its life is the store's own state.
/// </summary>
/// <remarks>
/// The embedded store holds one of these per live code, so it is laid out small (112 bytes): the id packed in two
/// numbers (<see cref="CodeId"/>), times as UTC ticks, and what most codes lack (a network, a reason, a session
/// lifetime, an id of another form) in one object that is null for them. <see cref="Id"/> makes its string when
/// asked.
/// </remarks>
internal sealed record LatchCodeRecord
{
    private readonly CodeId _id;
    private readonly long _issuedAtTicks;
    private readonly long _expiresAtTicks;
    private readonly Extras? _extras;

    public LatchCodeRecord(
        string id,
        CodeDigest digest,
        string route,
        string? user,
        IPNetwork? network,
        DateTimeOffset issuedAt,
        DateTimeOffset expiresAt,
        string issuedBy,
        string? reason)
    {
        Id = id;
        Digest = digest;
        Route = route;
        User = user;
        Network = network;
        IssuedAt = issuedAt;
        ExpiresAt = expiresAt;
        IssuedBy = issuedBy;
        Reason = reason;
    }

    /// <summary>The code's id (a new string each time for ids of the gateway's form: keep it while you need it).</summary>
    public string Id
    {
        get => _extras?.IdText ?? _id.ToString();
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            var packed = CodeId.TryPack(value, out _id);
            _extras = Tidy((_extras ?? Extras.None) with { IdText = packed ? null : value });
        }
    }

    public CodeDigest Digest { get; init; }

    public string Route { get; init; }

    public string? User { get; init; }

    public IPNetwork? Network
    {
        get => _extras?.Network;
        init => _extras = Tidy((_extras ?? Extras.None) with { Network = value });
    }

    public DateTimeOffset IssuedAt
    {
        get => new(_issuedAtTicks, TimeSpan.Zero);
        init => _issuedAtTicks = value.UtcTicks;
    }

    public DateTimeOffset ExpiresAt
    {
        get => new(_expiresAtTicks, TimeSpan.Zero);
        init => _expiresAtTicks = value.UtcTicks;
    }

    public string IssuedBy { get; init; }

    public string? Reason
    {
        get => _extras?.Reason;
        init => _extras = Tidy((_extras ?? Extras.None) with { Reason = value });
    }

    /// <summary>On a Session route, the session this code opens when shorter than the route's; null for the route's own.</summary>
    public TimeSpan? SessionLifetime
    {
        get => _extras?.SessionLifetime;
        init => _extras = Tidy((_extras ?? Extras.None) with { SessionLifetime = value });
    }

    /// <summary>The packed id, when the id has the gateway's form; false for others (then use <see cref="Id"/>).</summary>
    public bool TryGetPackedId(out CodeId id)
    {
        id = _id;
        return _extras?.IdText is null;
    }

    public bool IsExpiredAt(DateTimeOffset now) => now.UtcTicks >= _expiresAtTicks;

    /// <summary>Whether this code's id is <paramref name="id"/>, <paramref name="packed"/> its packed form when it has one.</summary>
    public bool HasId(string id, CodeId? packed) =>
        packed is { } value ? _extras?.IdText is null && _id == value : string.Equals(_extras?.IdText, id, StringComparison.Ordinal);

    /// <summary>Orders codes by id as the ordinal order of their ids' text does, without making the strings when it can.</summary>
    public int CompareIdTo(LatchCodeRecord other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return _extras?.IdText is null && other._extras?.IdText is null
            ? _id.CompareTo(other._id)
            : string.CompareOrdinal(Id, other.Id);
    }

    /// <summary>Orders this code's id against <paramref name="id"/> (<paramref name="packed"/> its packed form when it has one), as ordinal text.</summary>
    public int CompareIdTo(string id, CodeId? packed) =>
        packed is { } value && _extras?.IdText is null ? _id.CompareTo(value) : string.CompareOrdinal(Id, id);

    private static Extras? Tidy(Extras extras) => extras == Extras.None ? null : extras;

    /// <summary>What most codes do not have.</summary>
    private sealed record Extras(string? IdText, IPNetwork? Network, string? Reason, TimeSpan? SessionLifetime)
    {
        public static readonly Extras None = new(null, null, null, null);
    }
}
