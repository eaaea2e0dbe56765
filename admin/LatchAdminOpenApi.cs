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
                document.Info.Description = "Issue, list and revoke latch codes; list and end unlock sessions; read the audit trail; ask for, review and pick up access.";
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[ApiKeyAuthenticationHandler.SchemeName] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.ApiKey,
                    In = ParameterLocation.Header,
                    Name = ApiKeyAuthenticationHandler.HeaderName,
                    Description = "An admin API key; configured as its SHA-256 under Latch:Admin:ApiKeys.",
                };
                document.Components.SecuritySchemes[Access.AccessAuthentication.PersonScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    BearerFormat = "JWT",
                    Description = "A person's JWT, validated as Authentication:Schemes:Bearer configures; the user, groups and e-mail come from the Latch:Identity claims.",
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
                var metadata = context.Description.ActionDescriptor.EndpointMetadata;
                if (metadata.OfType<JsonBodyMetadata>().FirstOrDefault() is { } body)
                {
                    var schema = await context.GetOrCreateSchemaAsync(body.Type, null, cancellationToken);
                    operation.RequestBody = new OpenApiRequestBody
                    {
                        Required = body.Required,
                        Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = schema } },
                    };
                }

                // The access API is for people (a JWT) first; API keys with access:read may read it.
                if (metadata.OfType<Access.AccessAuthentication.Marker>().Any())
                {
                    operation.Security =
                    [
                        new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Access.AccessAuthentication.PersonScheme, context.Document)] = [] },
                        new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyAuthenticationHandler.SchemeName, context.Document)] = [] },
                    ];
                }
            });
        });

    /// <summary>Marks an endpoint whose JSON body its handler reads itself (strictly), so the document shows its schema.</summary>
    internal sealed record JsonBodyMetadata(Type Type, bool Required);
}
