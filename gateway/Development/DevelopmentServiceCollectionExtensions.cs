using LatchGateway.Admin;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace LatchGateway.Development;

/// <summary>Development only: what makes the README's walk-through work on a fresh clone.</summary>
internal static class DevelopmentServiceCollectionExtensions
{
    /// <summary>A random admin key with every scope when none is configured (see <see cref="DevelopmentAdminKey"/>).</summary>
    public static IServiceCollection AddLatchDevelopmentAdminKey(this IServiceCollection services)
    {
        services.TryAddSingleton<DevelopmentAdminKey>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<LatchAdminOptions>, DevelopmentAdminKey>(
            sp => sp.GetRequiredService<DevelopmentAdminKey>()));
        return services;
    }

    /// <summary>Demo people with JWTs when no bearer key is configured (see <see cref="DevelopmentPeople"/>).</summary>
    public static IServiceCollection AddLatchDevelopmentPeople(this IServiceCollection services)
    {
        services.TryAddSingleton<DevelopmentPeople>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<JwtBearerOptions>, DevelopmentPeople>(
            sp => sp.GetRequiredService<DevelopmentPeople>()));
        return services;
    }
}
