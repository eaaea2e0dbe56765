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
    public bool IsExpiredAt(DateTimeOffset now) => now >= ExpiresAt;
}
