using LatchGateway.Admin.Authentication;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace LatchGateway.Admin.Access;

/// <summary>
/// How callers of <c>/access</c> authenticate: a request carrying <c>X-Api-Key</c> by its key (an auditor's), any
/// other by the standard JWT bearer scheme the host configures from <c>Authentication:Schemes:Bearer</c> (a person).
/// One scheme is chosen per request, so exactly one of them answers a challenge.
/// </summary>
internal static class AccessAuthentication
{
    /// <summary>The standard JWT bearer scheme (<c>JwtBearerDefaults.AuthenticationScheme</c>), registered by the host.</summary>
    public const string PersonScheme = "Bearer";

    public const string SchemeName = "LatchAccess";

    public const string PolicyName = "access";

    public static void Add(AuthenticationBuilder authentication, AuthorizationBuilder authorization)
    {
        authentication.AddPolicyScheme(SchemeName, null, options => options.ForwardDefaultSelector = static context =>
            context.Request.Headers.ContainsKey(ApiKeyAuthenticationHandler.HeaderName) ? ApiKeyAuthenticationHandler.SchemeName : PersonScheme);
        authorization.AddPolicy(PolicyName, policy => policy.AddAuthenticationSchemes(SchemeName).RequireAuthenticatedUser());
    }

    /// <summary>Marks the access API's endpoints (for the OpenAPI document's security requirements).</summary>
    internal sealed class Marker;

    /// <summary>Marks the access API's reads, which an API key with <c>access:read</c> may call too (for the OpenAPI document).</summary>
    internal sealed class ReadableWithApiKey;
}
