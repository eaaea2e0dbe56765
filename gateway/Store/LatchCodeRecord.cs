using System.Net;
using LatchGateway.Codes;

namespace LatchGateway.Store;

/// <summary>A code as the store knows it: its digest and bindings, never the code. An immutable value; where the code is in its life is the store's own state.</summary>
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
    /// <summary>On a Session route, the session this code opens when shorter than the route's; null for the route's own.</summary>
    public TimeSpan? SessionLifetime { get; init; }

    public bool IsExpiredAt(DateTimeOffset now) => now >= ExpiresAt;
}
