using LatchGateway.Admin.Access;
using LatchGateway.Admin.Authentication;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace LatchGateway.Admin.OpenApi;

/// <summary>
/// The document as a whole: its title and description, the server it was fetched from (without a trailing slash,
/// so that paths append cleanly), a description of each tag, and the two security schemes.
/// </summary>
internal sealed class AdminDocument : IOpenApiDocumentTransformer
{
    private static readonly Dictionary<string, string> TagDescriptions = new(StringComparer.Ordinal)
    {
        ["Codes"] = "Single-use codes that open a latched route: issue (the only answer that shows the code), list, read, revoke.",
        ["Sessions"] = "Unlock sessions a code opened on a Session route: list and end them.",
        ["Routes"] = "The proxy routes and which are latched.",
        ["Audit"] = "The audit trail: search it, newest first, or export a time range for auditors.",
        ["Notifications"] = "Try a notification channel.",
        ["Access requests"] = "People ask for a latched route, approvers decide, the requester picks up the code.",
    };

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info ??= new OpenApiInfo();
        document.Info.Title = "LatchGateway admin API";
        document.Info.Description =
            "Issue, list and revoke latch codes; list and end unlock sessions; read the audit trail; ask for, review and pick up access. "
            + "Admin calls take an API key in X-Api-Key with the scope each names (x-required-scopes); access calls take a person's JWT. "
            + "Every error is application/problem+json.";

        foreach (var server in document.Servers ?? [])
        {
            server.Url = server.Url?.TrimEnd('/');
        }

        foreach (var tag in document.Tags ?? new HashSet<OpenApiTag>())
        {
            if (tag.Name is { } name && TagDescriptions.TryGetValue(name, out var description))
            {
                tag.Description = description;
            }
        }

        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[ApiKeyAuthenticationHandler.SchemeName] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = ApiKeyAuthenticationHandler.HeaderName,
            Description = "An admin API key; configured as its SHA-256 under Latch:Admin:ApiKeys, with its scopes.",
        };
        document.Components.SecuritySchemes[AccessAuthentication.PersonScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "A person's JWT, validated as Authentication:Schemes:Bearer configures; the user, groups and e-mail come from the Latch:Identity claims.",
        };
        ParameterDocTransformer.AddComponents(
            document,
            context.DescriptionGroups.SelectMany(g => g.Items).SelectMany(d => d.ActionDescriptor.EndpointMetadata.OfType<ParameterDoc>()));
        document.Security ??= [];
        document.Security.Add(new OpenApiSecurityRequirement
        {
            [new OpenApiSecuritySchemeReference(ApiKeyAuthenticationHandler.SchemeName, document)] = [],
        });
        return Task.CompletedTask;
    }
}
