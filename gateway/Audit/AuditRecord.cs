using LatchGateway.Contracts;

namespace LatchGateway.Audit;

/// <summary>
/// An audit event as the gateway keeps it at rest (a JSON line in the file, an entry of the Redis stream). The
/// stored format is the gateway's own; the admin API's <see cref="LatchAuditEvent"/> is made from it at the
/// boundary, so either can change without the other.
/// </summary>
internal sealed record AuditRecord(
    DateTimeOffset Time,
    string Type,
    string? CodeId,
    string? Route,
    string? User,
    string? ClientIp,
    string? Reason,
    string? Actor,
    string? TraceId)
{
    public bool Matches(AuditQuery query) => query.Matches(Time, Type, Route, User);

    public LatchAuditEvent ToEvent() => new(Time, Type, CodeId, Route, User, ClientIp, Reason, Actor, TraceId);
}
