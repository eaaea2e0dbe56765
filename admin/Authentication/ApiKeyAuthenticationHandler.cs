using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LatchGateway.Admin.Authentication;

/// <summary>Authenticates admin calls by the <c>X-Api-Key</c> header against the configured key digests.</summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyRegistry registry) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "LatchApiKey";

    public const string HeaderName = "X-Api-Key";

    public const string ScopeClaim = "scope";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = Request.Headers[HeaderName];
        if (presented.Count == 0 || string.IsNullOrEmpty(presented[0]))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (presented.Count > 1 || registry.Find(presented[0]!) is not { } key)
        {
            return Task.FromResult(AuthenticateResult.Fail("The API key is not valid."));
        }

        var claims = new List<Claim>(key.Scopes.Count + 1) { new(ClaimTypes.Name, key.Name) };
        foreach (var scope in key.Scopes)
        {
            claims.Add(new Claim(ScopeClaim, scope));
        }

        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "ApiKey header=\"X-Api-Key\"";
        return AdminProblems.Write(Context, StatusCodes.Status401Unauthorized, "A valid X-Api-Key header is required.");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        AdminProblems.Write(Context, StatusCodes.Status403Forbidden, "The API key does not have the scope this call needs.");
}
