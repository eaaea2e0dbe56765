using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace LatchGateway.Admin.OpenApi;

/// <summary>
/// Examples of each operation's body and answers, by <c>operationId</c>, and of every problem answer by status.
/// Addresses are from the documentation ranges; the code is an obvious placeholder.
/// </summary>
internal sealed class AdminExamples : IOpenApiOperationTransformer
{
    public const string CodeId = "4f8k2m9q7x3c1d6h0j5r";
    public const string AccessRequestId = "7q2w9e4r1t6y3v8j0x5p";
    public const string SessionId = "q9Xz3Lm0Tn5Rb2Wk";

    /// <summary>A cursor after <see cref="CodeId"/> issued at 2026-01-31T12:00:00Z.</summary>
    public const string Cursor = "MTc2OTg2MDgwMDAwMDo0ZjhrMm05cTd4M2MxZDZoMGo1cg";

    private const string ProblemJson = "application/problem+json";
    private const string TraceId = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    private static readonly Dictionary<string, Func<JsonNode>> Requests = new(StringComparer.Ordinal)
    {
        ["issueCode"] = () => new JsonObject { ["route"] = "orders-admin", ["user"] = "alice", ["ip"] = "203.0.113.7", ["ttlSeconds"] = 120, ["reason"] = "INC-4711" },
        ["testNotificationChannel"] = () => new JsonObject { ["channel"] = "ops-slack" },
        ["createAccessRequest"] = () => new JsonObject { ["route"] = "orders-admin", ["reason"] = "INC-4711: refund a stuck order", ["ttlSeconds"] = 120 },
        ["approveAccessRequest"] = () => new JsonObject { ["reason"] = "Checked with the on-call lead" },
        ["denyAccessRequest"] = () => new JsonObject { ["reason"] = "Use the read-only console instead" },
    };

    private static readonly Dictionary<string, Func<JsonNode>> Answers = new(StringComparer.Ordinal)
    {
        ["issueCode"] = IssuedCode,
        ["listCodes"] = () => new JsonArray(Code()),
        ["getCode"] = Code,
        ["listSessions"] = () => new JsonArray(new JsonObject
        {
            ["id"] = SessionId, ["codeId"] = CodeId, ["route"] = "console", ["user"] = "alice", ["clientIp"] = "203.0.113.7",
            ["openedAt"] = "2026-01-31T12:01:00+00:00", ["expiresAt"] = "2026-01-31T12:31:00+00:00",
        }),
        ["listRoutes"] = () => new JsonArray(
            new JsonObject { ["id"] = "orders-admin", ["latch"] = true, ["path"] = "/orders/admin/{**rest}" },
            new JsonObject { ["id"] = "public", ["latch"] = false, ["path"] = "/public/{**rest}" }),
        ["testNotificationChannel"] = () => new JsonObject { ["channel"] = "ops-slack", ["outcome"] = "sent", ["detail"] = null },
        ["listAuditEvents"] = () => new JsonArray(AuditEvent()),
        ["createAccessRequest"] = () => AccessRequest("pending", approvals: false),
        ["listAccessRequests"] = () => new JsonArray(AccessRequest("pending", approvals: false)),
        ["getAccessRequest"] = () => AccessRequest("granted", approvals: true),
        ["approveAccessRequest"] = () => AccessRequest("granted", approvals: true),
        ["denyAccessRequest"] = () => AccessRequest("denied", approvals: false),
        ["cancelAccessRequest"] = () => AccessRequest("cancelled", approvals: false),
        ["pickUpAccessCode"] = IssuedCode,
    };

    /// <summary>The field a 400 of each operation names, and what it says.</summary>
    private static readonly Dictionary<string, (string Field, string Message)> BadRequests = new(StringComparer.Ordinal)
    {
        ["issueCode"] = ("route", "No latched route has this id."),
        ["listCodes"] = ("limit", "A whole number from 1 to 1000."),
        ["listAuditEvents"] = ("since", "An ISO 8601 time, e.g. 2026-01-31T12:00:00Z."),
        ["exportAudit"] = ("format", "Either jsonl (the default) or csv."),
        ["testNotificationChannel"] = ("channel", "No channel of this name is configured under Latch:Notifications:Channels."),
        ["listAccessRequests"] = ("state", "One of: pending, granted, denied, expired, cancelled, issued."),
        ["denyAccessRequest"] = ("reason", "The reason is required."),
    };

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var id = operation.OperationId ?? "";
        if (Requests.TryGetValue(id, out var request) && operation.RequestBody?.Content?.TryGetValue("application/json", out var body) == true)
        {
            body.Example = request();
        }

        foreach (var (status, response) in operation.Responses ?? [])
        {
            foreach (var (mediaType, content) in response.Content ?? new Dictionary<string, OpenApiMediaType>())
            {
                content.Example ??= mediaType switch
                {
                    ProblemJson => Problem(status, id),
                    "text/csv" => JsonValue.Create(
                        "time,type,codeId,route,user,clientIp,reason,actor,traceId\n"
                        + $"2026-01-31T12:00:00.0000000+00:00,issued,{CodeId},orders-admin,alice,198.51.100.20,INC-4711,ops,0af7651916cd43dd8448eb211c80319c\n"),
                    "application/x-ndjson" => JsonValue.Create(AuditEvent().ToJsonString() + "\n"),
                    _ => Answers.TryGetValue(id, out var answer) ? answer() : null,
                };
            }
        }

        return Task.CompletedTask;
    }

    private static JsonObject Code() => new()
    {
        ["id"] = CodeId, ["route"] = "orders-admin", ["user"] = "alice", ["ip"] = "203.0.113.7",
        ["issuedAt"] = "2026-01-31T12:00:00+00:00", ["expiresAt"] = "2026-01-31T12:02:00+00:00", ["issuedBy"] = "ops", ["reason"] = "INC-4711",
    };

    /// <summary>An issue answer. The code is a placeholder of the right shape, never one that was issued.</summary>
    private static JsonObject IssuedCode()
    {
        var issued = Code();
        issued.Insert(1, "code", "ABCDE-FGHJK");
        return issued;
    }

    private static JsonObject AuditEvent() => new()
    {
        ["time"] = "2026-01-31T12:00:00+00:00", ["type"] = "issued", ["codeId"] = CodeId, ["route"] = "orders-admin", ["user"] = "alice",
        ["clientIp"] = "198.51.100.20", ["reason"] = "INC-4711", ["actor"] = "ops", ["traceId"] = "0af7651916cd43dd8448eb211c80319c",
    };

    private static JsonObject AccessRequest(string state, bool approvals) => new()
    {
        ["id"] = AccessRequestId,
        ["route"] = "orders-admin",
        ["requester"] = "alice",
        ["reason"] = "INC-4711: refund a stuck order",
        ["ip"] = null,
        ["ttlSeconds"] = 120,
        ["sessionSeconds"] = null,
        ["state"] = state,
        ["breakGlass"] = false,
        ["createdAt"] = "2026-01-31T12:00:00+00:00",
        ["expiresAt"] = state == "granted" ? "2026-01-31T12:15:00+00:00" : "2026-01-31T13:00:00+00:00",
        ["approvals"] = approvals
            ? new JsonArray(new JsonObject { ["by"] = "bob", ["at"] = "2026-01-31T12:05:00+00:00", ["reason"] = "Checked with the on-call lead" })
            : new JsonArray(),
        ["approvalsNeeded"] = 1,
        ["decidedBy"] = state is "granted" ? "bob" : state is "denied" ? "carol" : null,
        ["decisionReason"] = state is "denied" ? "Use the read-only console instead" : null,
        ["codeId"] = null,
    };

    private static JsonObject Problem(string status, string operationId)
    {
        if (status == "400")
        {
            var (field, message) = BadRequests.GetValueOrDefault(operationId, ("body", "The request body is not valid JSON of the documented shape."));
            return new JsonObject
            {
                ["type"] = "https://tools.ietf.org/html/rfc9110#section-15.5.1",
                ["title"] = "One or more validation errors occurred.",
                ["status"] = 400,
                ["errors"] = new JsonObject { [field] = new JsonArray(message) },
                ["traceId"] = TraceId,
            };
        }

        var access = operationId.Contains("Access", StringComparison.Ordinal);
        (string? Section, string Title, string Detail, string? Error) answer = status switch
        {
            "401" => ("15.5.2", "Unauthorized", access ? "A valid bearer token (a JWT the gateway trusts) is required." : "A valid X-Api-Key header is required.", null),
            "403" => access
                ? ("15.5.4", "Forbidden", "You are not a requester or an approver of this route.", "access_forbidden")
                : ("15.5.4", "Forbidden", "The API key does not have the scope this call needs.", null),
            "404" => ("15.5.5", "Not Found", "Nothing has this id.", null),
            "409" => ("15.5.10", "Conflict", "The request is no longer pending.", "access_conflict"),
            "413" => ("15.5.14", "Content Too Large", "The request body could not be read.", null),
            "429" => (null, "Too Many Requests", "Too many wrong API keys from this address; try again later.", null),
            "502" => ("15.6.3", "Bad Gateway", "The channel 'ops-slack' did not accept the test message: HTTP 404", "notification_failed"),
            "503" => ("15.6.4", "Service Unavailable", "The latch code store is unavailable.", AdminProblems.StoreUnavailableError),
            _ => (null, "Error", "The request was refused.", null),
        };
        var (section, title, detail, error) = answer;

        // ASP.NET Core names an RFC 9110 section as the type where there is one (there is none for 429).
        var problem = new JsonObject();
        if (section is not null)
        {
            problem["type"] = $"https://tools.ietf.org/html/rfc9110#section-{section}";
        }

        problem["title"] = title;
        problem["status"] = int.Parse(status, System.Globalization.CultureInfo.InvariantCulture);
        problem["detail"] = detail;
        if (error is not null)
        {
            problem["error"] = error;
        }

        problem["traceId"] = TraceId;
        return problem;
    }
}
