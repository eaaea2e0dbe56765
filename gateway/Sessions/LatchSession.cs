using System.Net;
using LatchGateway.Codes;

namespace LatchGateway.Sessions;

/// <summary>
/// An unlock session as the store knows it: opened by a code on a Session route, it lets that client's following
/// requests through until it ends. The token is known only by its keyed digest.
/// </summary>
/// <remarks>
/// The embedded store holds one per open session, so the code's id is kept packed (<see cref="Codes.CodeId"/>; its
/// string is made when asked) and times as UTC ticks.
/// </remarks>
internal sealed record LatchSession
{
    private readonly Codes.CodeId _codeId;
    private readonly string? _codeIdText; // an id of another form than the gateway's
    private readonly long _openedAtTicks;
    private readonly long _expiresAtTicks;
    private readonly long _idleTimeoutTicks; // -1: none

    /// <param name="id">The session's id (for the admin API and the audit trail).</param>
    /// <param name="tokenDigest">Keyed HMAC of the session token.</param>
    /// <param name="codeId">The code that opened it; revoking that code ends the session.</param>
    /// <param name="route">The only route it works on.</param>
    /// <param name="user">The user it is bound to (the code's), if any.</param>
    /// <param name="network">Where its requests may come from: the code's CIDR, else the opening client's address alone.</param>
    /// <param name="openedAt">When it was opened.</param>
    /// <param name="expiresAt">When it ends, whatever happens (never extended).</param>
    /// <param name="idleTimeout">Inactivity after which it ends; null for none.</param>
    public LatchSession(
        string id,
        CodeDigest tokenDigest,
        string codeId,
        string route,
        string? user,
        IPNetwork network,
        DateTimeOffset openedAt,
        DateTimeOffset expiresAt,
        TimeSpan? idleTimeout)
    {
        Id = id;
        TokenDigest = tokenDigest;
        CodeId = codeId;
        Route = route;
        User = user;
        Network = network;
        OpenedAt = openedAt;
        ExpiresAt = expiresAt;
        IdleTimeout = idleTimeout;
    }

    public string Id { get; init; }

    public CodeDigest TokenDigest { get; init; }

    /// <summary>The id of the code that opened it (a new string each time for ids of the gateway's form).</summary>
    public string CodeId
    {
        get => _codeIdText ?? _codeId.ToString();
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            _codeIdText = Codes.CodeId.TryPack(value, out _codeId) ? null : value;
        }
    }

    public string Route { get; init; }

    public string? User { get; init; }

    public IPNetwork Network { get; init; }

    public DateTimeOffset OpenedAt
    {
        get => new(_openedAtTicks, TimeSpan.Zero);
        init => _openedAtTicks = value.UtcTicks;
    }

    public DateTimeOffset ExpiresAt
    {
        get => new(_expiresAtTicks, TimeSpan.Zero);
        init => _expiresAtTicks = value.UtcTicks;
    }

    public TimeSpan? IdleTimeout
    {
        get => _idleTimeoutTicks < 0 ? null : TimeSpan.FromTicks(_idleTimeoutTicks);
        init => _idleTimeoutTicks = value is { } timeout ? Math.Max(0, timeout.Ticks) : -1;
    }

    public bool IsExpiredAt(DateTimeOffset now) => now.UtcTicks >= _expiresAtTicks;

    /// <summary>Whether the code with this id opened it (compared packed, without making the string, when it can).</summary>
    public bool IsOpenedBy(string codeId) =>
        _codeIdText is null
            ? Codes.CodeId.TryPack(codeId, out var packed) && packed == _codeId
            : string.Equals(_codeIdText, codeId, StringComparison.Ordinal);
}
