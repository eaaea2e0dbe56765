using LatchGateway.Admin;
using LatchGateway.Codes;
using LatchGateway.Hosting;
using LatchGateway.Identity;
using LatchGateway.Lockout;
using LatchGateway.Logging;
using LatchGateway.Sessions;
using LatchGateway.Store;
using LatchGateway.Tests.Infrastructure;
using LatchGateway.Tests.Logging;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace LatchGateway.Tests.Hosting;

public sealed class LatchGatewayServiceCollectionExtensionsTests
{
    [Fact]
    public void Every_logger_masks_latch_codes()
    {
        using var captured = new CapturingProvider();
        using var services = Build(configure: s => s.AddSingleton<ILoggerProvider>(captured), compose: (s, _) => s.AddLogging(l => l.AddLatchCodeRedaction()));

        var factory = services.GetRequiredService<ILoggerFactory>();
        var logger = services.GetRequiredService<ILogger<LatchGatewayServiceCollectionExtensionsTests>>();
#pragma warning disable CA1848, CA1873 // logged the way any library may
        logger.LogInformation("Request starting GET {Url}", "/x?latch_code=ABCDE-12345");
#pragma warning restore CA1848, CA1873

        Assert.IsType<RedactingLoggerFactory>(factory);
        var entry = Assert.Single(captured.Inner.Entries);
        Assert.Equal("Request starting GET /x?latch_code=[redacted]", entry.Message);
    }

    [Fact]
    public void The_memory_store_is_the_default_with_its_sweeper()
    {
        using var services = Build();

        var store = services.GetRequiredService<ILatchStore>();

        Assert.Same(services.GetRequiredService<InMemoryLatchStore>(), store);
        Assert.Contains(services.GetServices<IHostedService>(), s => s is InMemorySweeper<InMemoryLatchStore>);
        Assert.Contains(services.GetServices<IHostedService>(), s => s is InMemorySweeper<InMemoryLockoutStore>);
        Assert.Same(services.GetRequiredService<InMemorySessionStore>(), services.GetRequiredService<ISessionStore>());
        Assert.Contains(services.GetServices<IHostedService>(), s => s is InMemorySweeper<InMemorySessionStore>);
    }

    [Fact]
    public async Task The_Redis_provider_keeps_sessions_in_Redis()
    {
        // Resolving connects to nothing: the connection is made on start-up or first use.
        await using var services = Build(RedisSettings.For("127.0.0.1:1"), configure: s => s.AddMetrics());

        Assert.IsType<RedisSessionStore>(services.GetRequiredService<ISessionStore>());
        Assert.DoesNotContain(services.GetServices<IHostedService>(), s => s is InMemorySweeper<InMemorySessionStore>);
    }

    [Fact]
    public void A_registered_TimeProvider_is_kept()
    {
        var time = new FakeTimeProvider();
        using var services = Build(configure: s => s.AddSingleton<TimeProvider>(time));

        Assert.Same(time, services.GetRequiredService<TimeProvider>());
    }

    [Fact]
    public void Code_options_are_bound_from_Latch_Codes()
    {
        using var services = Build(new() { ["Latch:Codes:Length"] = "12", ["Latch:Codes:DefaultTtl"] = "00:01:00" });

        var options = services.GetRequiredService<IOptions<LatchCodeOptions>>().Value;

        Assert.Equal(12, options.Length);
        Assert.Equal(TimeSpan.FromMinutes(1), options.DefaultTtl);
    }

    [Theory]
    [InlineData("Latch:Codes:Length", "7", "Latch:Codes:Length")]
    [InlineData("Latch:Codes:HashKey", "c2hvcnQ=", "Latch:Codes:HashKey")]
    [InlineData("Latch:Codes:MaxTtl", "02:00:00", "Latch:Codes:MaxTtl")]
    public void Invalid_code_options_fail_naming_the_key(string key, string value, string named)
    {
        using var services = Build(new() { [key] = value });

        var failure = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<LatchCodeOptions>>().Value);

        Assert.Contains(named, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_admin_options_fail_naming_the_key()
    {
        using var services = Build(
            new() { ["Latch:Admin:ApiKeys:ops:Sha256"] = "abc", ["Latch:Admin:ApiKeys:ops:Scopes:0"] = "codes:read" },
            compose: (s, c) => s.AddLatchAdmin(c));

        var failure = Assert.Throws<OptionsValidationException>(
            () => services.GetRequiredService<IOptions<LatchAdminOptions>>().Value);

        Assert.Contains("Latch:Admin:ApiKeys:ops:Sha256", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Admin_options_are_validated_when_the_host_starts_though_nothing_reads_them()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Latch:Admin:ApiKeys:ops:Sha256"] = "abc" });
        builder.Services.AddLatchAdmin(builder.Configuration);
        using var host = builder.Build();

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("Latch:Admin:ApiKeys:ops:Sha256", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Users_come_from_JWT_bearer_with_claims_named_as_tokens_name_them_and_keys_kept_in_memory()
    {
        using var services = Build(compose: (s, c) => s.AddLatchIdentity(c));

        var authentication = services.GetRequiredService<IOptions<AuthenticationOptions>>().Value;
        var bearer = services.GetRequiredService<IOptionsMonitor<JwtBearerOptions>>().Get(JwtBearerDefaults.AuthenticationScheme);

        Assert.Equal(JwtBearerDefaults.AuthenticationScheme, authentication.DefaultAuthenticateScheme);
        Assert.False(bearer.MapInboundClaims);
        Assert.IsType<EphemeralDataProtectionProvider>(services.GetRequiredService<IDataProtectionProvider>());
    }

    [Fact]
    public void The_identity_entry_keeps_ASP_NET_Core_loopback_proxies_out()
    {
        using var services = Build(compose: (s, c) => s.AddLatchIdentity(c));

        var forwarded = services.GetRequiredService<IOptions<ForwardedHeadersOptions>>().Value;

        Assert.Empty(forwarded.KnownProxies);
        Assert.Empty(forwarded.KnownIPNetworks);
    }

    private static ServiceProvider Build(
        Dictionary<string, string?>? settings = null,
        Action<IServiceCollection>? configure = null,
        Action<IServiceCollection, IConfiguration>? compose = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings ?? []).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddSingleton<Microsoft.Extensions.Hosting.IHostEnvironment>(
            new Microsoft.Extensions.Hosting.Internal.HostingEnvironment { ContentRootPath = Path.GetTempPath() });
        configure?.Invoke(services);
        (compose ?? ((s, c) => s.AddLatchGateway(c)))(services, configuration);
        return services.BuildServiceProvider();
    }

    private sealed class CapturingProvider : ILoggerProvider
    {
        public CapturingLoggerFactory Inner { get; } = new();

        public ILogger CreateLogger(string categoryName) => Inner.CreateLogger(categoryName);

        public void Dispose() => Inner.Dispose();
    }
}
