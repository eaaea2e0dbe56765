using System.Diagnostics;
using System.Globalization;
using System.Net;
using LatchGateway.Admin.Audit;
using LatchGateway.Contracts;

namespace LatchGateway.Audit;

/// <summary>
/// An audit event as the request path records it: a struct with the address and trace id still in binary, so
/// recording costs no allocation; the writer turns it into an <see cref="AuditRecord"/>.
/// </summary>
internal readonly record struct AuditEntry(
    DateTimeOffset Time,
    string Type,
    string? CodeId,
    string? Route,
    string? User,
    IPAddress? ClientIp,
    string? Reason,
    string? Actor,
    ActivityTraceId TraceId)
{
    /// <summary>The trace id of the current activity (the request's, parent included), or none.</summary>
    public static ActivityTraceId CurrentTraceId => Activity.Current?.TraceId ?? default;

    public AuditRecord ToRecord() => new(
        Time,
        Type,
        CodeId,
        Route,
        User,
        ClientIp?.ToString(),
        Reason,
        Actor,
        TraceId == default ? null : TraceId.ToHexString());

    internal static string FormatTime(DateTimeOffset time) => time.ToString("O", CultureInfo.InvariantCulture);
}
