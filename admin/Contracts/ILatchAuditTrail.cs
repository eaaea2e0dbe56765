namespace LatchGateway.Contracts;

/// <summary>Reads the audit trail. The gateway host supplies the implementation over its audit sink.</summary>
public interface ILatchAuditTrail
{
    /// <summary>Events matching <paramref name="query"/>, newest first, at most <see cref="AuditQuery.Limit"/>.</summary>
    IAsyncEnumerable<LatchAuditEvent> QueryAsync(AuditQuery query, CancellationToken cancellationToken);

    /// <summary>Every event from <paramref name="since"/> (inclusive) to <paramref name="until"/> (exclusive), oldest first.</summary>
    IAsyncEnumerable<LatchAuditEvent> ExportAsync(DateTimeOffset? since, DateTimeOffset? until, CancellationToken cancellationToken);
}

/// <summary>A search of the audit trail; null filters match everything.</summary>
public sealed record AuditQuery(int Limit, string? Route, string? User, string? Type, DateTimeOffset? Since)
{
    /// <summary>Whether an event of this time, type, route and user is one the query asks for.</summary>
    public bool Matches(DateTimeOffset time, string type, string? route, string? user) =>
        (Route is null || string.Equals(route, Route, StringComparison.Ordinal))
        && (User is null || string.Equals(user, User, StringComparison.Ordinal))
        && (Type is null || string.Equals(type, Type, StringComparison.Ordinal))
        && (Since is null || time >= Since);
}
