using LatchGateway.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace LatchGateway.Tests.Access;

/// <summary>
/// The access policies the access tests run against, configured through keys as an operator would:
/// <list type="bullet">
/// <item><c>orders-admin</c>: requesters group engineering, approvers group sre and user carol, one approval, codes of at most 120 s.</item>
/// <item><c>exports</c>: requesters group engineering, approvers group sre, two approvals, break-glass allowed.</item>
/// <item><c>open-desk</c> (<c>/open-desk/…</c>): anyone, no review, no reason, code not bound to the requester.</item>
/// <item><c>console</c> (<c>/console/…</c>, a Session route of 600 s): requesters group engineering, approvers group sre.</item>
/// <item><c>vault</c> (<c>/vault/…</c>): latched, without a policy.</item>
/// </list>
/// </summary>
internal static class AccessSettings
{
    public const int OrdersMaxTtlSeconds = 120;

    public const int ConsoleLifetimeSeconds = 600;

    /// <summary>The gateway settings: JWTs trusted, no lockout, the auditor key, the routes and policies above.</summary>
    public static Dictionary<string, string?> Standard() => AbuseHttp.Merge(
        GatewayFixture.NoLockout,
        TestJwt.Settings(),
        AccessHttp.AuditorSettings(),
        Route("open-desk"),
        Route("console", "Session"),
        new Dictionary<string, string?> { ["ReverseProxy:Routes:console:Transforms:0:SessionLifetime"] = TimeSpan.FromSeconds(ConsoleLifetimeSeconds).ToString() },
        Route("vault"),
        Policy("orders-admin", ["group:engineering"], ["group:sre", "user:carol"], 1, ("MaxTtl", TimeSpan.FromSeconds(OrdersMaxTtlSeconds).ToString())),
        Policy("exports", ["group:engineering"], ["group:sre"], 2, ("BreakGlass", "true")),
        Policy("open-desk", ["*"], null, 0, ("RequireReason", "false"), ("BindUser", "false")),
        Policy("console", ["group:engineering"], ["group:sre"], 1));

    /// <summary>A latched route <paramref name="id"/> on <c>/{id}/…</c>.</summary>
    public static Dictionary<string, string?> Route(string id, string latch = "Required") => new()
    {
        [$"ReverseProxy:Routes:{id}:ClusterId"] = "backend",
        [$"ReverseProxy:Routes:{id}:Match:Path"] = $"/{id}/{{**rest}}",
        [$"ReverseProxy:Routes:{id}:Transforms:0:Latch"] = latch,
    };

    /// <summary>The keys of one policy under <c>Latch:Access:Policies:{route}</c>.</summary>
    public static Dictionary<string, string?> Policy(string route, string[]? requesters, string[]? approvers, int? approvals, params (string Key, string Value)[] more)
    {
        var key = $"Latch:Access:Policies:{route}";
        var settings = new Dictionary<string, string?>();
        for (var i = 0; i < (requesters?.Length ?? 0); i++)
        {
            settings[$"{key}:Requesters:{i}"] = requesters![i];
        }

        for (var i = 0; i < (approvers?.Length ?? 0); i++)
        {
            settings[$"{key}:Approvers:{i}"] = approvers![i];
        }

        if (approvals is not null)
        {
            settings[$"{key}:Approvals"] = approvals.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        foreach (var (name, value) in more)
        {
            settings[$"{key}:{name}"] = value;
        }

        return settings;
    }

    /// <summary>People of the standard policies.</summary>
    public static Person Engineer(string name = "alice") => Person.New(name, "engineering");

    public static Person Sre(string name = "bob") => Person.New(name, "sre");

    public static Person Carol() => Person.Named("carol");
}

/// <summary>One backend and one gateway with <see cref="AccessSettings.Standard"/>, on real time, shared by a class's tests.</summary>
public sealed class AccessGatewayFixture : IAsyncLifetime
{
    public TestBackend Backend { get; private set; } = null!;

    public GatewayInstance Gateway { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Backend = await TestBackend.StartAsync();
        Gateway = await GatewayInstance.StartAsync(Backend, AccessSettings.Standard());
    }

    /// <summary>Another gateway on the same backend: the standard settings with <paramref name="extra"/>, on <paramref name="clock"/> if given.</summary>
    public Task<GatewayInstance> StartGatewayAsync(IReadOnlyDictionary<string, string?>? extra = null, FakeTimeProvider? clock = null) =>
        GatewayInstance.StartAsync(Backend, AbuseHttp.Merge(AccessSettings.Standard(), extra ?? new Dictionary<string, string?>()), clock: clock);

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Backend.DisposeAsync();
    }
}
