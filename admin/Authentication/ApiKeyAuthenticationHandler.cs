using System.Security.Claims;
using System.Text.Encodings.Web;
using LatchGateway.Contracts;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LatchGateway.Admin.Authentication;

/// <summary>
/// Authenticates admin calls by the <c>X-Api-Key</c> header against the configured key digests. Wrong keys count
/// against the caller's address; a locked-out address is answered 429 with <c>Retry-After</c>, whatever key it sends.
/// An endpoint marked <see cref="CallerLockout.CheckedByEndpoint"/> looks a right key's lockout up itself, alongside
/// its own store call.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyRegistry registry,
    IApiKeyAttemptLimiter limiter) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "LatchApiKey";

    public const string HeaderName = "X-Api-Key";

    public const string ScopeClaim = "scope";

    private TimeSpan _lockedOutFor;
    private bool _storeUnavailable;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = Request.Headers[HeaderName];
        if (presented.Count == 0 || string.IsNullOrEmpty(presented[0]))
        {
            return AuthenticateResult.NoResult();
        }

        var client = Context.Connection.RemoteIpAddress;
        try
        {
            // A wrong key is counted and checked in one step, so a burst of wrong keys gets at most MaxFailures 401s;
            // a right key is still refused while its caller is locked out.
            if (presented.Count > 1 || registry.Find(presented[0]!) is not { } key)
            {
                _lockedOutFor = await limiter.RecordFailureAsync(client, Context.RequestAborted);
                return AuthenticateResult.Fail(_lockedOutFor > TimeSpan.Zero
                    ? "The caller is locked out after repeated wrong API keys."
                    : "The API key is not valid.");
            }

            if (Context.GetEndpoint()?.Metadata.GetMetadata<CallerLockout.CheckedByEndpoint>() is not null)
            {
                // The endpoint looks the lockout up together with its own store call (and answers 429 whatever it would
                // have answered else); a forbidden key is looked up in HandleForbiddenAsync.
                CallerLockout.Defer(Context);
            }
            else
            {
                _lockedOutFor = await limiter.GetLockoutAsync(client, Context.RequestAborted);
            }

            if (_lockedOutFor > TimeSpan.Zero)
            {
                return AuthenticateResult.Fail("The caller is locked out after repeated wrong API keys.");
            }

            var claims = new List<Claim>(key.Scopes.Count + 1) { new(ClaimTypes.Name, key.Name) };
            foreach (var scope in key.Scopes)
            {
                claims.Add(new Claim(ScopeClaim, scope));
            }

            var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
            return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
        }
        catch (LatchStoreUnavailableException)
        {
            _storeUnavailable = true;
            return AuthenticateResult.Fail("The lockout store is unavailable.");
        }
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (_storeUnavailable)
        {
            return AdminProblems.WriteStoreUnavailable(Context);
        }

        if (_lockedOutFor > TimeSpan.Zero)
        {
            return CallerLockout.WriteAsync(Context, _lockedOutFor);
        }

        Response.Headers.WWWAuthenticate = "ApiKey header=\"X-Api-Key\"";
        return AdminProblems.Write(Context, StatusCodes.Status401Unauthorized, "A valid X-Api-Key header is required.");
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        if (CallerLockout.IsDeferred(Context))
        {
            // Left to an endpoint that is not reached: a locked-out caller learns nothing of its key's scopes.
            TimeSpan lockedOutFor;
            try
            {
                lockedOutFor = await CallerLockout.LookUpAsync(Context, limiter, Context.RequestAborted);
            }
            catch (LatchStoreUnavailableException)
            {
                await AdminProblems.WriteStoreUnavailable(Context);
                return;
            }

            if (lockedOutFor > TimeSpan.Zero)
            {
                await CallerLockout.WriteAsync(Context, lockedOutFor);
                return;
            }
        }

        await AdminProblems.Write(Context, StatusCodes.Status403Forbidden, "The API key does not have the scope this call needs.");
    }
}
