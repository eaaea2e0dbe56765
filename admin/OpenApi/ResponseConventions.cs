using System.Text.Json.Nodes;
using LatchGateway.Admin.Access;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace LatchGateway.Admin.OpenApi;

/// <summary>
/// What answers of a status mean and the headers they carry: <c>Location</c> on a 201, <c>Link</c> on a paged
/// list's 200, <c>WWW-Authenticate</c> on a 401, <c>Retry-After</c> on a 429 and a 503; a text answer is a string.
/// </summary>
internal sealed class ResponseConventions : IOpenApiOperationTransformer
{
    private const string JsonLines = "application/x-ndjson";

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var paged = metadata.OfType<LatchAdminOpenApi.PagedList>().Any();
        var access = metadata.OfType<AccessAuthentication.Marker>().Any();
        foreach (var (status, response) in operation.Responses ?? [])
        {
            if (response is not OpenApiResponse answer)
            {
                continue;
            }

            answer.Description = Describe(status, access) ?? answer.Description;
            foreach (var (mediaType, content) in answer.Content ?? new Dictionary<string, OpenApiMediaType>())
            {
                // A text answer (the audit export's CSV or JSON lines) is text, whatever item type the endpoint declared:
                // JSON lines are not one JSON document, and a client must read them line by line.
                if (mediaType.StartsWith("text/", StringComparison.Ordinal) || mediaType == JsonLines)
                {
                    content.Schema = new OpenApiSchema
                    {
                        Type = JsonSchemaType.String,
                        Description = mediaType == JsonLines ? "One JSON object a line, each a LatchAuditEvent." : null,
                    };
                }
            }

            switch (status)
            {
                case "200" when paged:
                    answer.Description = "One page, newest first.";
                    Add(answer, "Link", "RFC 8288: `<…>; rel=\"next\"` with the next page's address, when there are more; absent on the last page.",
                        $"</admin/codes?limit=100&cursor={AdminExamples.Cursor}>; rel=\"next\"");
                    break;
                case "201":
                    Add(answer, "Location", "The path of what was created.", Location(context.Description.RelativePath), format: "uri-reference");
                    break;
                case "401":
                    Add(answer, "WWW-Authenticate", access
                        ? "`Bearer` (with the reason when a token was refused), or `ApiKey header=\"X-Api-Key\"` when a wrong key was sent."
                        : "`ApiKey header=\"X-Api-Key\"`.",
                        access ? "Bearer" : "ApiKey header=\"X-Api-Key\"");
                    break;
                case "429":
                    Add(answer, "Retry-After", "Seconds until the lockout ends.", 300, JsonSchemaType.Integer);
                    break;
                case "503":
                    Add(answer, "Retry-After", "Seconds after which to try again.", AdminProblems.StoreRetryAfterSeconds, JsonSchemaType.Integer);
                    break;
            }
        }

        return Task.CompletedTask;
    }

    private static string? Describe(string status, bool access) => status switch
    {
        "400" => "The request is not valid: `errors` names each bad parameter or field.",
        "401" => access ? "No valid JWT, or a wrong API key." : "No API key, or a wrong one.",
        "403" => access
            ? "Not allowed (`error`: `access_forbidden`, or `self_approval` for a requester reviewing their own request)."
            : "The API key does not have the scope this call needs.",
        "404" => "Nothing with this id is there (or visible to the caller).",
        "409" => "The request is not in a state that allows this (`error`: `access_conflict`).",
        "413" => "The request body is larger than allowed.",
        "429" => "Too many wrong API keys from this address: it is locked out for a while.",
        "502" => "The channel did not accept the message (`error`: `notification_failed`, with `channel` and `outcome`).",
        "503" => "The store (Redis) cannot be reached (`error`: `latch_unavailable`). Nothing was changed.",
        _ => null,
    };

    /// <summary>An example <c>Location</c>: a code's path, or an access request's.</summary>
    private static string Location(string? relativePath) =>
        relativePath?.TrimEnd('/') == "access/requests" ? $"/access/requests/{AdminExamples.AccessRequestId}" : $"/admin/codes/{AdminExamples.CodeId}";

    private static void Add(OpenApiResponse answer, string name, string description, JsonNode example, JsonSchemaType type = JsonSchemaType.String, string? format = null)
    {
        answer.Headers ??= new Dictionary<string, IOpenApiHeader>(StringComparer.OrdinalIgnoreCase);
        answer.Headers[name] = new OpenApiHeader
        {
            Description = description,
            Schema = new OpenApiSchema { Type = type, Format = format },
            Example = example,
        };
    }
}
