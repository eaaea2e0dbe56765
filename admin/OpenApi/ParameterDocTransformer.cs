using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace LatchGateway.Admin.OpenApi;

/// <summary>Gives each parameter an endpoint documents (<see cref="ParameterDoc"/>) its description and schema.</summary>
internal sealed class ParameterDocTransformer : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        foreach (var doc in context.Description.ActionDescriptor.EndpointMetadata.OfType<ParameterDoc>())
        {
            // A documented parameter the handler does not take is a mistake in the mapping: fail the document loudly.
            var parameter = operation.Parameters?.OfType<OpenApiParameter>().FirstOrDefault(p => p.Name == doc.Name)
                ?? throw new InvalidOperationException($"Operation {operation.OperationId} documents a parameter '{doc.Name}' it does not take.");
            parameter.Description = doc.Description;
            parameter.Schema = doc.Schema();
        }

        return Task.CompletedTask;
    }
}
