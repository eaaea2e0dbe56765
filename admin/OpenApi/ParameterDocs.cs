using System.Text.Json.Nodes;
using LatchGateway.Admin.Audit;
using LatchGateway.Admin.Codes;
using LatchGateway.Contracts;
using Microsoft.OpenApi;

namespace LatchGateway.Admin.OpenApi;

/// <summary>The parameters of the admin and access APIs, each as its handler checks it.</summary>
internal static class ParameterDocs
{
    /// <summary>A code's or an access request's id: 20 lower-case Crockford base32 symbols.</summary>
    public const string RecordIdPattern = "^[0-9a-hjkmnp-tv-z]{20}$";

    /// <summary>An unlock session's id: 12 random bytes in base64url.</summary>
    public const string SessionIdPattern = "^[A-Za-z0-9_-]{16}$";

    public static ParameterDoc Limit(string items) => new(
        "limit",
        $"At most this many {items}, from 1 to {LatchCodeQuery.MaxLimit}.",
        () => new OpenApiSchema
        {
            Type = JsonSchemaType.Integer,
            Format = "int32",
            Minimum = "1",
            Maximum = LatchCodeQuery.MaxLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Default = LatchCodeQuery.DefaultLimit,
        });

    public static ParameterDoc Cursor { get; } = new(
        "cursor",
        "Where the page starts: leave it out for the newest codes, then follow the Link header's rel=\"next\" (which carries it). Opaque; "
        + "a page shows no code an earlier page showed.",
        () => new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = CodesApi.MaxCursorLength, Pattern = "^[A-Za-z0-9_-]+$" });

    /// <summary>The route filter: "Only <paramref name="items"/> for this route".</summary>
    public static ParameterDoc Route(string items, int? maxLength = null) => new(
        "route",
        $"Only {items} for this route (its id, exactly).",
        () => new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = maxLength });

    /// <summary>The user filter: "Only <paramref name="items"/> this user (exactly)", e.g. "codes bound to".</summary>
    public static ParameterDoc User(string items, int? maxLength = null) => new(
        "user",
        $"Only {items} this user (exactly).",
        () => new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = maxLength });

    public static ParameterDoc Time(string name, string description) => new(
        name,
        description + " An RFC 3339 time such as 2026-01-31T12:00:00Z (other ISO 8601 forms are read too; no offset means UTC).",
        () => new OpenApiSchema { Type = JsonSchemaType.String, Format = "date-time" });

    public static ParameterDoc AuditType { get; } = new(
        "type",
        "Only events of this type.",
        () => StringEnum(AuditEventTypes.All),
        "AuditEventType");

    public static ParameterDoc ExportFormat { get; } = new(
        "format",
        "jsonl (the default): JSON lines, one event a line (application/x-ndjson); csv: CSV with a header line (text/csv).",
        () => StringEnum(["jsonl", "csv"]),
        "AuditExportFormat");

    /// <summary>The state filter: the same values as an access request's <c>state</c>, whose component it shares.</summary>
    public static ParameterDoc AccessState { get; } = new(
        "state",
        "Only requests in this state.",
        () => StringEnum([.. System.Enum.GetNames<AccessRequestState>().Select(name => name.ToLowerInvariant())]),
        nameof(AccessRequestState));

    public static ParameterDoc Flag(string name, string description) => new(
        name,
        description,
        () => new OpenApiSchema { Type = JsonSchemaType.Boolean, Default = false });

    public static ParameterDoc CodeId { get; } = Id("The code's id, as issued.", RecordIdPattern);

    public static ParameterDoc AccessRequestId { get; } = Id("The access request's id.", RecordIdPattern);

    public static ParameterDoc SessionId { get; } = Id("The session's id, as listed.", SessionIdPattern);

    private static ParameterDoc Id(string description, string pattern) => new(
        "id",
        description,
        () => new OpenApiSchema { Type = JsonSchemaType.String, Pattern = pattern });

    private static OpenApiSchema StringEnum(IReadOnlyList<string> values) => new()
    {
        Type = JsonSchemaType.String,
        Enum = [.. values.Select(value => (JsonNode)JsonValue.Create(value))],
    };
}
