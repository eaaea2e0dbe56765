using LatchGateway.Admin.Audit;
using LatchGateway.Contracts;

namespace LatchGateway.Audit;

/// <summary>Where audit events are kept: a JSON-lines file, or a Redis stream shared by replicas.</summary>
internal interface IAuditSink
{
    /// <summary>Writes a batch durably (or throws); called by one writer at a time.</summary>
    Task WriteAsync(IReadOnlyList<AuditRecord> batch, CancellationToken cancellationToken);

    /// <summary>Matching events, newest first, at most <see cref="AuditQuery.Limit"/>.</summary>
    IAsyncEnumerable<AuditRecord> QueryAsync(AuditQuery query, CancellationToken cancellationToken);

    /// <summary>Events from <paramref name="since"/> (inclusive) to <paramref name="until"/> (exclusive), oldest first.</summary>
    IAsyncEnumerable<AuditRecord> ExportAsync(DateTimeOffset? since, DateTimeOffset? until, CancellationToken cancellationToken);
}
