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
    // The embedded store keeps each record itself as its entry, one object per live code, and this is the code's
    // state there; records of other stores stay Live here (those stores keep state in their own data).
    private int _state;

    /// <summary>The code's state in the embedded store.</summary>
    internal CodeState State => (CodeState)Volatile.Read(ref _state);

    public bool IsExpiredAt(DateTimeOffset now) => now >= ExpiresAt;

    /// <summary>Moves a live code to <paramref name="next"/> atomically; returns the state it was in before.</summary>
    internal CodeState TryLeaveLive(CodeState next) =>
        (CodeState)Interlocked.CompareExchange(ref _state, (int)next, (int)CodeState.Live);
}
