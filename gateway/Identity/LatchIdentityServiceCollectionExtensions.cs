using LatchGateway.Configuration;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace LatchGateway.Identity;

/// <summary>
/// Registers who presents a code: the client address (the socket's peer, or <c>X-Forwarded-For</c> from the
/// proxies under <c>Latch:ForwardedHeaders</c>) and the user (JWT bearer, or the trusted header of
/// <c>Latch:Identity</c>).
/// </summary>
public static class LatchIdentityServiceCollectionExtensions
{
    public static IServiceCollection AddLatchIdentity(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddValidatedOptions<LatchIdentityOptions, LatchIdentityOptionsValidator>(configuration, LatchIdentityOptions.SectionName);
        services.AddValidatedOptions<LatchForwardedHeadersOptions, LatchForwardedHeadersOptionsValidator>(configuration, LatchForwardedHeadersOptions.SectionName);
        services.TryAddSingleton(typeof(LiveOptions<>));
        services.TryAddSingleton<ClientIdentity>();
        services.TryAddSingleton<TrustedProxies>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<ForwardedHeadersOptions>, TrustedProxies>(sp => sp.GetRequiredService<TrustedProxies>()));

        // Users on latched routes come from standard JWT bearer authentication (Authentication:Schemes:Bearer).
        // Claims keep their JWT names ("sub" stays "sub") so Latch:Identity:UserClaim names what tokens carry.
        services.AddAuthentication(options => options.DefaultAuthenticateScheme = JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer(options => options.MapInboundClaims = false);

        // Authentication pulls in data protection, which the gateway never uses: keep its keys in memory
        // instead of writing an unprotected key ring to disk at start-up.
        services.AddDataProtection().UseEphemeralDataProtectionProvider();
        return services;
    }
}
