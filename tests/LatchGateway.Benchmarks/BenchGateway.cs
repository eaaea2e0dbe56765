using LatchGateway.Audit;
using LatchGateway.Codes;
using LatchGateway.Hosting;
using LatchGateway.Store;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace LatchGateway.Benchmarks;

/// <summary>
/// The gateway's services wired exactly as the host wires them (<see cref="GatewayHost"/>, Production, memory
/// store, in-memory configuration with the routes of tests/benchmark/run.sh), built but never started: benchmarks
/// resolve the pieces they measure. Two things the started host would do are done here: the OpenTelemetry meter
/// and tracer providers are created (so instruments and the activity source have their listeners, as in
/// production), and the clock is a <see cref="ManualClock"/>.
/// </summary>
internal sealed class BenchGateway : IDisposable
{
    public const string LatchedRoute = "latched";

    public const string OpenRoute = "open";

    private readonly string _directory;

    public BenchGateway()
    {
        _directory = Directory.CreateTempSubdirectory("latch-benchmarks-").FullName;
        var builder = GatewayHost.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = Environments.Production,
            ContentRootPath = _directory,
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
            ["Logging:LogLevel:Yarp"] = "Warning",
            ["Kestrel:Endpoints:Proxy:Url"] = "http://127.0.0.1:0",
            ["Kestrel:Endpoints:Admin:Url"] = "http://127.0.0.1:0",
            ["Latch:Codes:DefaultTtl"] = "00:30:00",
            ["Latch:Codes:MaxTtl"] = "00:30:00",
            ["Latch:Lockout:MaxFailures"] = "1000000",
            ["Latch:Audit:Path"] = Path.Combine(_directory, "audit.jsonl"),
            ["ReverseProxy:Routes:open:ClusterId"] = "backend",
            ["ReverseProxy:Routes:open:Match:Path"] = "/open/{**rest}",
            ["ReverseProxy:Routes:latched:ClusterId"] = "backend",
            ["ReverseProxy:Routes:latched:Match:Path"] = "/latched/{**rest}",
            ["ReverseProxy:Routes:latched:Transforms:0:Latch"] = "Required",
            ["ReverseProxy:Clusters:backend:Destinations:d1:Address"] = "http://127.0.0.1:5000/",
        });
        Clock = new ManualClock(DateTimeOffset.UtcNow);
        builder.Services.Replace(ServiceDescriptor.Singleton<TimeProvider>(Clock));
        App = GatewayHost.Build(builder);

        _ = App.Services.GetRequiredService<MeterProvider>();
        _ = App.Services.GetRequiredService<TracerProvider>();
    }

    public WebApplication App { get; }

    public IServiceProvider Services => App.Services;

    public ManualClock Clock { get; }

    public InMemoryLatchStore Store => Services.GetRequiredService<InMemoryLatchStore>();

    public CodeHasher Hasher => Services.GetRequiredService<CodeHasher>();

    public AuditTrail Audit => Services.GetRequiredService<AuditTrail>();

    /// <summary>
    /// Expires every code added with <see cref="IssuedCodes.AddTo"/> for a short time, sweeps them out of the
    /// store, and adds <paramref name="codes"/> afresh: live, unconsumed, valid for a minute.
    /// </summary>
    public void Refill(IssuedCodes codes)
    {
        ArgumentNullException.ThrowIfNull(codes);
        Clock.Advance(IssuedCodes.ShortTtl * 2);
        Store.Sweep();
        codes.AddTo(Store, Clock.GetUtcNow(), IssuedCodes.ShortTtl);
    }

    public void Dispose()
    {
        ((IDisposable)App).Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
