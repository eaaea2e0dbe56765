using System.Net;
using LatchGateway.Codes;

namespace LatchGateway.Store;

/// <summary>A code as the store knows it: its digest and bindings, never the code.</summary>
internal sealed record LatchCodeRecord(
    string Id,
    CodeDigest Digest,
    string Route,
    string? User,
    IPNetwork? Network,
    DateTimeOffset IssuedAt,
    DateTimeOffset ExpiresAt,
    string IssuedBy,
    string? Reason)
{
    // Times are kept as UTC ticks, 8 bytes each rather than a DateTimeOffset's 16: the embedded store holds one
    // record per live code.
    private readonly long _issuedAtUtcTicks = IssuedAt.UtcTicks;
    private readonly long _expiresAtUtcTicks = ExpiresAt.UtcTicks;

    // The embedded store keeps each record itself as its entry, one object per live code, and this is the code's
    // state there; records of other stores stay Live here (those stores keep state in their own data).
    private int _state;

    /// <summary>The code's state in the embedded store.</summary>
    internal CodeState State => (CodeState)Volatile.Read(ref _state);

    public DateTimeOffset IssuedAt
    {
        get => new(_issuedAtUtcTicks, TimeSpan.Zero);
        init => _issuedAtUtcTicks = value.UtcTicks;
    }

    public DateTimeOffset ExpiresAt
    {
        get => new(_expiresAtUtcTicks, TimeSpan.Zero);
        init => _expiresAtUtcTicks = value.UtcTicks;
    }

    public bool IsExpiredAt(DateTimeOffset now) => now.UtcTicks >= _expiresAtUtcTicks;

    /// <summary>Moves a live code to <paramref name="next"/> atomically; returns the state it was in before.</summary>
    internal CodeState TryLeaveLive(CodeState next) =>
        (CodeState)Interlocked.CompareExchange(ref _state, (int)next, (int)CodeState.Live);

    /// <summary>Moves a consumed code back to live atomically; a revoked code stays revoked.</summary>
    internal void TryRestore() =>
        Interlocked.CompareExchange(ref _state, (int)CodeState.Live, (int)CodeState.Consumed);
}
