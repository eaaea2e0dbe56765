using LatchGateway.Admin.Access;
using LatchGateway.Admin.Audit;
using LatchGateway.Admin.Authentication;
using LatchGateway.Configuration;
using LatchGateway.Admin.Codes;
using LatchGateway.Admin.Notifications;
using LatchGateway.Admin.OpenApi;
using LatchGateway.Admin.Routes;
using LatchGateway.Admin.Sessions;
using LatchGateway.Contracts;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LatchGateway.Admin;

/// <summary>Registration and mapping of the admin API.</summary>
public static class LatchAdminExtensions
{
    /// <summary>
    /// Adds the admin API's services: options from <c>Latch:Admin</c>, API-key authentication and one
    /// authorization policy per scope. The host supplies <see cref="ILatchCodeService"/>, <see cref="ILatchSessionService"/>
    /// and <see cref="ILatchRouteCatalog"/>.
    /// </summary>
    public static IServiceCollection AddLatchAdmin(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddValidatedOptions<LatchAdminOptions, LatchAdminOptionsValidator>(configuration, LatchAdminOptions.SectionName);
        services.TryAddSingleton(typeof(LiveOptions<>));
        services.TryAddSingleton<ApiKeyRegistry>();
        services.TryAddSingleton<IssueCodeRequestReader>();
        services.AddProblemDetails();
        services.AddLatchAdminOpenApi();

        var authentication = services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);

        var authorization = services.AddAuthorizationBuilder();
        AccessAuthentication.Add(authentication, authorization);
        foreach (var scope in AdminScopes.All)
        {
            authorization.AddPolicy(scope, policy => policy
                .AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName)
                .RequireAuthenticatedUser()
                .RequireClaim(ApiKeyAuthenticationHandler.ScopeClaim, scope));
        }

        return services;
    }

    /// <summary>
    /// Maps <c>/admin/codes</c>, <c>/admin/sessions</c>, <c>/admin/routes</c> and <c>/admin/audit</c>; returns the
    /// <c>/admin</c> group.
    /// </summary>
    public static RouteGroupBuilder MapLatchAdmin(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        // The keys are read once the host has started, after its options validation: mapping the API must not be
        // what first reads (and so checks) Latch:Admin.
        var services = endpoints.ServiceProvider;
        services.GetRequiredService<IHostApplicationLifetime>().ApplicationStarted.Register(() =>
        {
            if (services.GetRequiredService<ApiKeyRegistry>().IsEmpty)
            {
                Log.NoApiKeysConfigured(services.GetRequiredService<ILoggerFactory>().CreateLogger("LatchGateway.Admin"));
            }
        });

        var admin = WithAdminAnswers(endpoints.MapGroup("/admin"));

        admin.ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        admin.MapCodes().MapSessions().MapRoutes().MapAudit().MapNotifications();
        return admin;
    }

    /// <summary>
    /// Maps the access flow, <c>/access/requests</c>: people with a JWT ask, review and pick up; API keys with
    /// <c>access:read</c> read. Returns the <c>/access</c> group. The host supplies <see cref="ILatchAccessService"/>.
    /// </summary>
    public static RouteGroupBuilder MapLatchAccess(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var access = WithAdminAnswers(endpoints.MapGroup("/access"));
        // 400 is documented where a handler answers it (its ValidationProblem result); 429 where an X-Api-Key was sent.
        access.WithMetadata(new AccessAuthentication.Marker())
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        access.MapAccessRequests();
        return access;
    }

    /// <summary>
    /// Answers in problem+json what the listener serving the admin API refuses outside its handlers: unknown paths
    /// (404), methods a path is not served with (405 with <c>Allow</c>), requests Kestrel finds unreadable once the
    /// application runs, and bare error statuses. Use it only on that listener's branch, after routing;
    /// <paramref name="servedHere"/> picks the endpoints that listener serves.
    /// </summary>
    public static IApplicationBuilder UseLatchAdminProblems(this IApplicationBuilder app, Func<Endpoint, bool> servedHere)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(servedHere);
        var allowed = new AllowedMethods(app.ApplicationServices.GetRequiredService<EndpointDataSource>(), servedHere);
        return app.UseMiddleware<AdminFallbackMiddleware>(allowed);
    }

    /// <summary>What every admin answer shares: an unreachable store is 503 <c>latch_unavailable</c>, and nothing is cached.</summary>
    private static RouteGroupBuilder WithAdminAnswers(RouteGroupBuilder group)
    {
        group.AddEndpointFilter<StoreUnavailableFilter>();
        group.AddEndpointFilter(static async (context, next) =>
        {
            context.HttpContext.Response.Headers.CacheControl = "no-store";
            return await next(context);
        });
        return group;
    }

    /// <summary>Maps the admin API's OpenAPI document at <c>/openapi/v1.json</c>.</summary>
    public static IEndpointConventionBuilder MapLatchAdminOpenApi(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapOpenApi("/openapi/{documentName}.json");
}
