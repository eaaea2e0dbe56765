using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace LatchGateway.Admin.OpenApi;

/// <summary>
/// Gives each parameter an endpoint documents (<see cref="ParameterDoc"/>) its description and schema, or a reference
/// to its component schema, which <see cref="AddComponents"/> adds to the document.
/// </summary>
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
            parameter.Schema = doc.Component is null ? doc.Schema() : new OpenApiSchemaReference(doc.Component, context.Document);
        }

        return Task.CompletedTask;
    }

    /// <summary>Adds the component schemas the documented parameters refer to, keeping any the document already has.</summary>
    public static void AddComponents(OpenApiDocument document, IEnumerable<ParameterDoc> parameters)
    {
        ArgumentNullException.ThrowIfNull(document);
        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        foreach (var doc in parameters.Where(p => p.Component is not null))
        {
            document.Components.Schemas.TryAdd(doc.Component!, doc.Schema());
        }
    }
}
