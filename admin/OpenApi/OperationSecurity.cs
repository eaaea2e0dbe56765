using System.Text.Json.Nodes;
using LatchGateway.Admin.Access;
using LatchGateway.Admin.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace LatchGateway.Admin.OpenApi;

/// <summary>
/// Who may call each operation, read from its authorization metadata: an API key with the scope its policy names
/// (the security requirement lists the scope, as OpenAPI 3.1 allows for any scheme), or a person's JWT on
/// <c>/access</c>, where the reads also take a key with <c>access:read</c>. The scopes are repeated in
/// <c>x-required-scopes</c> and in the description, for tools and people that do not read requirements.
/// </summary>
internal sealed class OperationSecurity : IOpenApiOperationTransformer
{
    public const string ScopesExtension = "x-required-scopes";

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var apiKey = new OpenApiSecuritySchemeReference(ApiKeyAuthenticationHandler.SchemeName, context.Document);
        List<string> scopes;
        string who;
        if (metadata.OfType<AccessAuthentication.Marker>().Any())
        {
            operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(AccessAuthentication.PersonScheme, context.Document)] = [] }];
            if (metadata.OfType<AccessAuthentication.ReadableWithApiKey>().Any())
            {
                scopes = [AdminScopes.AccessRead];
                operation.Security.Add(new OpenApiSecurityRequirement { [apiKey] = scopes });
                who = $"Requires a person's JWT (Bearer), or an API key (X-Api-Key) with the `{AdminScopes.AccessRead}` scope.";
            }
            else
            {
                scopes = [];
                who = "Requires a person's JWT (Bearer); an API key is refused with 403.";
            }
        }
        else
        {
            scopes = [.. metadata.OfType<IAuthorizeData>().Select(a => a.Policy).OfType<string>().Where(AdminScopes.All.Contains).Distinct()];
            if (scopes.Count == 0)
            {
                return Task.CompletedTask;
            }

            operation.Security = [new OpenApiSecurityRequirement { [apiKey] = scopes }];
            who = $"Requires an API key (X-Api-Key) with the {string.Join(" and ", scopes.Select(s => $"`{s}`"))} scope.";
        }

        operation.Extensions ??= new Dictionary<string, IOpenApiExtension>();
        operation.Extensions[ScopesExtension] = new JsonNodeExtension(new JsonArray([.. scopes.Select(s => (JsonNode)JsonValue.Create(s))]));
        operation.Description = string.IsNullOrEmpty(operation.Description) ? who : $"{operation.Description}\n\n{who}";
        return Task.CompletedTask;
    }
}
