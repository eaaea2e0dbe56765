using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;

namespace LatchGateway.Admin.OpenApi;

/// <summary>
/// The admin API's OpenAPI document (<c>/openapi/v1.json</c>), for people and client generators: an
/// <c>operationId</c> and the scope each call needs, typed and bounded parameters, the headers answers carry
/// (<c>Location</c>, <c>Link</c>, <c>Retry-After</c>, <c>WWW-Authenticate</c>), every error answer as problem+json,
/// and examples. <c>redocly lint</c> with its recommended rules finds no error in it.
/// </summary>
internal static class LatchAdminOpenApi
{
    public static IServiceCollection AddLatchAdminOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(options =>
        {
            options.AddSchemaTransformer<AdminSchemas>();
            options.AddOperationTransformer<RequestBodies>();
            options.AddOperationTransformer<OperationSecurity>();
            options.AddOperationTransformer<ParameterDocTransformer>();
            options.AddOperationTransformer<ResponseConventions>();
            options.AddOperationTransformer<AdminExamples>();
            options.AddDocumentTransformer<AdminDocument>();
        });

    /// <summary>Marks an endpoint whose JSON body its handler reads itself (strictly), so the document shows its schema.</summary>
    internal sealed record JsonBodyMetadata(Type Type, bool Required);

    /// <summary>Marks a paged list: its 200 carries <c>Link: &lt;…&gt;; rel="next"</c> when there are more.</summary>
    internal sealed class PagedList;
}
