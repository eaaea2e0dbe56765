using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace LatchGateway.Admin.OpenApi;

/// <summary>
/// Schemas as the API reads and writes them: numbers are numbers only (the strict reader refuses <c>"120"</c>), an
/// enum is a string enum, and a problem carries the contract's <c>error</c> and the <c>traceId</c> it is logged under.
/// Done here rather than by changing the host's JSON settings, which belong to the host.
/// </summary>
internal sealed class AdminSchemas : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (schema.Type is { } type && (type & (JsonSchemaType.Integer | JsonSchemaType.Number)) != 0 && (type & JsonSchemaType.String) != 0)
        {
            schema.Type = type & ~JsonSchemaType.String;
            schema.Pattern = null;
        }

        if (schema.Type is null && schema.Enum is { Count: > 0 } values && values.All(v => v?.GetValueKind() == System.Text.Json.JsonValueKind.String))
        {
            schema.Type = JsonSchemaType.String;
        }

        var clrType = context.JsonTypeInfo.Type;
        if (clrType == typeof(ProblemDetails) || clrType == typeof(HttpValidationProblemDetails))
        {
            schema.Description = "An RFC 9457 problem.";
            schema.Properties ??= new Dictionary<string, IOpenApiSchema>();
            schema.Properties["error"] = new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                Description = "What went wrong, for programs, where the contract names it: e.g. latch_unavailable, access_forbidden, "
                    + "self_approval, access_conflict, notification_failed.",
            };
            schema.Properties["traceId"] = new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                Description = "The W3C trace context of the request, to find it in the logs.",
            };
        }

        return Task.CompletedTask;
    }
}
