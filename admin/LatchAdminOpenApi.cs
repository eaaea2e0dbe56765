using LatchGateway.Admin.Authentication;
using LatchGateway.Admin.Codes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace LatchGateway.Admin;

/// <summary>
/// The admin API's OpenAPI document (<c>/openapi/v1.json</c>): the <c>X-Api-Key</c> scheme, the issue request's
/// body (read by the handler itself, so that every bad input is a field-named 400), and every error answer.
/// </summary>
internal static class LatchAdminOpenApi
{
    public static IServiceCollection AddLatchAdminOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "LatchGateway admin API";
                document.Info.Description = "Issue, list and revoke latch codes; list and end unlock sessions; read the audit trail.";
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[ApiKeyAuthenticationHandler.SchemeName] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.ApiKey,
                    In = ParameterLocation.Header,
                    Name = ApiKeyAuthenticationHandler.HeaderName,
                    Description = "An admin API key; configured as its SHA-256 under Latch:Admin:ApiKeys.",
                };
                document.Security ??= [];
                document.Security.Add(new OpenApiSecurityRequirement
                {
                    [new OpenApiSecuritySchemeReference(ApiKeyAuthenticationHandler.SchemeName, document)] = [],
                });
                return Task.CompletedTask;
            });
            // Numbers are numbers: the strict reader refuses "ttlSeconds": "120", so the document offers no string form
            // either. Done here rather than by changing the host's JSON settings, which belong to the host.
            options.AddSchemaTransformer((schema, _, _) =>
            {
                if (schema.Type is { } type && (type & (JsonSchemaType.Integer | JsonSchemaType.Number)) != 0 && (type & JsonSchemaType.String) != 0)
                {
                    schema.Type = type & ~JsonSchemaType.String;
                    schema.Pattern = null;
                }

                return Task.CompletedTask;
            });
            options.AddOperationTransformer(async (operation, context, cancellationToken) =>
            {
                if (context.Description.ActionDescriptor.EndpointMetadata.OfType<IssueCodeBodyMetadata>().Any())
                {
                    var schema = await context.GetOrCreateSchemaAsync(typeof(IssueCodeRequest), null, cancellationToken);
                    operation.RequestBody = new OpenApiRequestBody
                    {
                        Required = true,
                        Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = schema } },
                    };
                }
            });
        });

    /// <summary>Marks the endpoint whose body is an <see cref="IssueCodeRequest"/>.</summary>
    internal sealed class IssueCodeBodyMetadata;
}
