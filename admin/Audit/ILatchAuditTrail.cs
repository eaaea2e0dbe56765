namespace LatchGateway.Admin.Audit;

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
    public bool Matches(LatchAuditEvent audit)
    {
        ArgumentNullException.ThrowIfNull(audit);
        return (Route is null || string.Equals(audit.Route, Route, StringComparison.Ordinal))
            && (User is null || string.Equals(audit.User, User, StringComparison.Ordinal))
            && (Type is null || string.Equals(audit.Type, Type, StringComparison.Ordinal))
            && (Since is null || audit.Time >= Since);
    }
}
