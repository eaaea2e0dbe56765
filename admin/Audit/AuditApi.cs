using System.Globalization;
using System.Text;
using System.Text.Json;
using LatchGateway.Admin.OpenApi;
using LatchGateway.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace LatchGateway.Admin.Audit;

/// <summary><c>/admin/audit</c>: search the audit trail, and export it for auditors.</summary>
internal static class AuditApi
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;
    private const int MaxFilterLength = 256;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly ReadOnlyMemory<byte> NewLine = "\n"u8.ToArray();

    public static RouteGroupBuilder MapAudit(this RouteGroupBuilder admin)
    {
        var audit = admin.MapGroup("/audit").WithTags("Audit").RequireAuthorization(AdminScopes.AuditRead);
        audit.MapGet("/", QueryAsync)
            .WithName("listAuditEvents")
            .WithSummary("Search the audit trail, newest first.")
            .WithParameterDocs(
                ParameterDocs.Limit("events"),
                ParameterDocs.Route("events", MaxFilterLength),
                ParameterDocs.User("events about", MaxFilterLength),
                ParameterDocs.AuditType,
                ParameterDocs.Time("since", "Only events at or after this time."));
        audit.MapGet("/export", Export)
            .WithName("exportAudit")
            .WithSummary("Export the audit trail for auditors, oldest first: JSON lines, or CSV with format=csv.")
            .WithParameterDocs(
                ParameterDocs.Time("since", "From this time (inclusive)."),
                ParameterDocs.Time("until", "Up to this time (exclusive)."),
                ParameterDocs.ExportFormat)
            .Produces<LatchAuditEvent>(StatusCodes.Status200OK, "application/x-ndjson", "text/csv");
        return admin;
    }

    /// <summary>Events newest first. <c>since</c> is an ISO 8601 time; <c>limit</c> 1 to 1000 (default 100).</summary>
    internal static async Task<Results<Ok<List<LatchAuditEvent>>, ValidationProblem>> QueryAsync(
        string? limit, string? route, string? user, string? type, string? since, ILatchAuditTrail trail, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var count = DefaultLimit;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count is < 1 or > MaxLimit))
        {
            errors["limit"] = [$"A whole number from 1 to {MaxLimit}."];
        }

        CheckFilter(errors, "route", route);
        CheckFilter(errors, "user", user);
        if (type is not null && !AuditEventTypes.All.Contains(type, StringComparer.Ordinal))
        {
            errors["type"] = [$"One of: {string.Join(", ", AuditEventTypes.All)}."];
        }

        var from = ParseTime(errors, "since", since);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var query = new AuditQuery(count, NullIfEmpty(route), NullIfEmpty(user), type, from);
        var events = new List<LatchAuditEvent>(Math.Min(count, DefaultLimit));
        await foreach (var audit in trail.QueryAsync(query, cancellationToken))
        {
            events.Add(audit);
        }

        return TypedResults.Ok(events);
    }

    /// <summary>
    /// Every event from <c>since</c> to <c>until</c>, oldest first, streamed as JSON lines (default) or, with
    /// <c>format=csv</c>, as CSV.
    /// </summary>
    internal static Results<PushStreamHttpResult, ValidationProblem> Export(
        string? since, string? until, string? format, ILatchAuditTrail trail, HttpContext context)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var from = ParseTime(errors, "since", since);
        var to = ParseTime(errors, "until", until);
        var csv = string.Equals(format, "csv", StringComparison.Ordinal);
        if (format is not null && !csv && !string.Equals(format, "jsonl", StringComparison.Ordinal))
        {
            errors["format"] = ["Either jsonl (the default) or csv."];
        }

        if (from is not null && to is not null && to < from)
        {
            errors["until"] = ["Must not be before since."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var events = trail.ExportAsync(from, to, context.RequestAborted);
        return csv
            ? TypedResults.Stream(body => WriteCsvAsync(events, body), "text/csv; charset=utf-8", "audit.csv")
            : TypedResults.Stream(body => WriteJsonLinesAsync(events, body), "application/x-ndjson", "audit.jsonl");
    }

    private static async Task WriteJsonLinesAsync(IAsyncEnumerable<LatchAuditEvent> events, Stream body)
    {
        await foreach (var audit in events)
        {
            await JsonSerializer.SerializeAsync(body, audit, Json);
            await body.WriteAsync(NewLine);
        }
    }

    private static async Task WriteCsvAsync(IAsyncEnumerable<LatchAuditEvent> events, Stream body)
    {
        await using var writer = new StreamWriter(body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), leaveOpen: true);
        await writer.WriteLineAsync("time,type,codeId,route,user,clientIp,reason,actor,traceId");
        await foreach (var audit in events)
        {
            await writer.WriteLineAsync(string.Join(',',
                Csv.Field(audit.Time.ToString("O", CultureInfo.InvariantCulture)),
                Csv.Field(audit.Type),
                Csv.Field(audit.CodeId),
                Csv.Field(audit.Route),
                Csv.Field(audit.User),
                Csv.Field(audit.ClientIp),
                Csv.Field(audit.Reason),
                Csv.Field(audit.Actor),
                Csv.Field(audit.TraceId)));
        }
    }

    private static void CheckFilter(Dictionary<string, string[]> errors, string field, string? value)
    {
        if (value is { Length: > MaxFilterLength })
        {
            errors[field] = [$"At most {MaxFilterLength} characters."];
        }
    }

    private static DateTimeOffset? ParseTime(Dictionary<string, string[]> errors, string field, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
        {
            return time;
        }

        errors[field] = ["An ISO 8601 time, e.g. 2026-01-31T12:00:00Z."];
        return null;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
