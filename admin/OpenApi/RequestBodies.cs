using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace LatchGateway.Admin.OpenApi;

/// <summary>The JSON body of an endpoint whose handler reads it itself (see <see cref="LatchAdminOpenApi.JsonBodyMetadata"/>).</summary>
internal sealed class RequestBodies : IOpenApiOperationTransformer
{
    public async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.Description.ActionDescriptor.EndpointMetadata.OfType<LatchAdminOpenApi.JsonBodyMetadata>().FirstOrDefault() is not { } body)
        {
            return;
        }

        var schema = await context.GetOrCreateSchemaAsync(body.Type, null, cancellationToken);
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = body.Required,
            Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = schema } },
        };
    }
}
