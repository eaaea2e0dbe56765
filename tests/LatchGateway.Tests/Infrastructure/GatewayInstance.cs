using System.Net.Http.Json;
using System.Text.Json;
using LatchGateway.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace LatchGateway.Tests.Infrastructure;

/// <summary>
/// The real gateway host on loopback ports (Kestrel), configured the way an operator would: through
/// configuration keys. Routes: <c>orders-admin</c> (latched, <c>/orders/admin/…</c>), <c>exports</c>
/// (latched, <c>/exports/…</c>), <c>public</c> (plain, <c>/public/…</c>) and <c>shadow</c> (plain, <c>/admin/…</c>
/// on the Proxy endpoint, to prove the admin API is not served there).
/// </summary>
public sealed class GatewayInstance : IAsyncDisposable
{
    /// <summary>API keys by name: the key in clear (tests only) and its scopes.</summary>
    public static readonly IReadOnlyDictionary<string, (string Key, string[] Scopes)> ApiKeys =
        new Dictionary<string, (string, string[])>
        {
            ["ops"] = ("ops-key-0123456789", ["codes:issue", "codes:read", "codes:revoke", "audit:read"]),
            ["reader"] = ("reader-key-0123456789", ["codes:read"]),
            ["issuer"] = ("issuer-key-0123456789", ["codes:issue"]),
        };

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly WebApplication _app;

    private GatewayInstance(WebApplication app, Uri proxy, Uri admin, CapturedLogs logs, FakeTimeProvider? clock)
    {
        _app = app;
        ProxyAddress = proxy;
        AdminAddress = admin;
        Logs = logs;
        Clock = clock;
    }

    public Uri ProxyAddress { get; }

    public Uri AdminAddress { get; }

    public CapturedLogs Logs { get; }

    /// <summary>The fake clock the gateway runs on, or null when it runs on real time.</summary>
    public FakeTimeProvider? Clock { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>
    /// Starts a gateway in front of <paramref name="backend"/>; <paramref name="settings"/> add or override keys.
    /// <paramref name="configure"/>, when given, sees the builder just before the host is built (e.g. to add a
    /// reloadable configuration file). <paramref name="clock"/>, when given, is the host's <see cref="TimeProvider"/>:
    /// the gateway's time (code lifetimes, lockout windows, sweeps, the audit writer's batching) then passes only when
    /// the test advances it (see <see cref="GatewayTime"/>).
    /// </summary>
    public static Task<GatewayInstance> StartAsync(
        TestBackend backend,
        IReadOnlyDictionary<string, string?>? settings = null,
        string environment = "Testing",
        LogLevel minimumLogLevel = LogLevel.Information,
        Action<WebApplicationBuilder>? configure = null,
        FakeTimeProvider? clock = null) =>
        StartAsync(backend.Address, settings, environment, minimumLogLevel, configure, clock);

    /// <summary>Starts a gateway in front of the backend at <paramref name="backend"/>; see the overload above.</summary>
    public static async Task<GatewayInstance> StartAsync(
        Uri backend,
        IReadOnlyDictionary<string, string?>? settings = null,
        string environment = "Testing",
        LogLevel minimumLogLevel = LogLevel.Information,
        Action<WebApplicationBuilder>? configure = null,
        FakeTimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(backend);
        var proxyPort = FreePort.Next();
        var adminPort = FreePort.Next();
        var config = new Dictionary<string, string?>
        {
            ["Kestrel:Endpoints:Proxy:Url"] = $"http://127.0.0.1:{proxyPort}",
            ["Kestrel:Endpoints:Admin:Url"] = $"http://127.0.0.1:{adminPort}",
            ["Logging:LogLevel:Default"] = minimumLogLevel.ToString(),
            ["Logging:LogLevel:Microsoft.AspNetCore"] = minimumLogLevel.ToString(),
            ["Logging:LogLevel:Yarp"] = minimumLogLevel.ToString(),
            ["ReverseProxy:Routes:orders-admin:ClusterId"] = "backend",
            ["ReverseProxy:Routes:orders-admin:Match:Path"] = "/orders/admin/{**rest}",
            ["ReverseProxy:Routes:orders-admin:Transforms:0:Latch"] = "Required",
            ["ReverseProxy:Routes:exports:ClusterId"] = "backend",
            ["ReverseProxy:Routes:exports:Match:Path"] = "/exports/{**rest}",
            ["ReverseProxy:Routes:exports:Transforms:0:Latch"] = "Required",
            ["ReverseProxy:Routes:public:ClusterId"] = "backend",
            ["ReverseProxy:Routes:public:Match:Path"] = "/public/{**rest}",
            ["ReverseProxy:Routes:shadow:ClusterId"] = "backend",
            ["ReverseProxy:Routes:shadow:Match:Path"] = "/admin/{**rest}",
            ["ReverseProxy:Clusters:backend:Destinations:d1:Address"] = backend.ToString(),
            ["Latch:Audit:Path"] = Path.Combine(Directory.CreateTempSubdirectory("latch-audit-").FullName, "audit.jsonl"),
        };
        foreach (var (name, (key, scopes)) in ApiKeys)
        {
            config[$"Latch:Admin:ApiKeys:{name}:Sha256"] = Sha256Hex(key);
            for (var i = 0; i < scopes.Length; i++)
            {
                config[$"Latch:Admin:ApiKeys:{name}:Scopes:{i}"] = scopes[i];
            }
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            config[key] = value;
        }

        var logs = new CapturedLogs();
        var builder = GatewayHost.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = environment,
            ContentRootPath = AppContext.BaseDirectory,
            Args = config.Where(p => p.Value is not null).Select(p => $"--{p.Key}={p.Value}").ToArray(),
        });
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(logs);
        if (clock is not null)
        {
            // The host registered TimeProvider.System with TryAdd before this point: replace that registration.
            builder.Services.Replace(ServiceDescriptor.Singleton<TimeProvider>(clock));
        }

        configure?.Invoke(builder);
        var app = GatewayHost.Build(builder);
        await app.StartAsync();
        return new GatewayInstance(app, new Uri($"http://127.0.0.1:{proxyPort}/"), new Uri($"http://127.0.0.1:{adminPort}/"), logs, clock);
    }

    public HttpClient CreateProxyClient() => new() { BaseAddress = ProxyAddress };

    /// <summary>An admin client sending the named key (see <see cref="ApiKeys"/>), or no key.</summary>
    public HttpClient CreateAdminClient(string? keyName = "ops")
    {
        var client = new HttpClient { BaseAddress = AdminAddress };
        if (keyName is not null)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", ApiKeys[keyName].Key);
        }

        return client;
    }

    /// <summary>Issues a code through the admin API; fails the test unless it is 201.</summary>
    public async Task<IssuedCode> IssueAsync(string route = "orders-admin", string? user = null, string? ip = null, int? ttlSeconds = null)
    {
        using var admin = CreateAdminClient();
        var response = await admin.PostAsJsonAsync("admin/codes", new { route, user, ip, ttlSeconds });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, $"issue failed: {(int)response.StatusCode} {body}");
        return JsonSerializer.Deserialize<IssuedCode>(body, Json)!;
    }

    public T GetService<T>()
        where T : notnull => _app.Services.GetRequiredService<T>();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    public static string Sha256Hex(string key) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key)));
}

public sealed record IssuedCode(
    string Id, string Code, string Route, string? User, string? Ip,
    DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt, string IssuedBy, string? Reason);
