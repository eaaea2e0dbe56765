using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.OpenApi;

namespace LatchGateway.Admin.OpenApi;

/// <summary>
/// How the document shows one query or path parameter: its meaning and its schema (type, bounds, enum). Handlers
/// read their parameters as text, so that a wrong one is a 400 naming it rather than a binding failure; this is what
/// they accept, for client generators. Attach with <see cref="ParameterDocExtensions.WithParameterDocs"/>.
/// A named set of values (an enum) is a component, <paramref name="Component"/>, so that generated clients name
/// its type after it.
/// </summary>
internal sealed record ParameterDoc(string Name, string Description, Func<OpenApiSchema> Schema, string? Component = null);

internal static class ParameterDocExtensions
{
    public static RouteHandlerBuilder WithParameterDocs(this RouteHandlerBuilder builder, params ParameterDoc[] parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return builder.WithMetadata([.. parameters.Cast<object>()]);
    }
}
