using System.Diagnostics;
using System.Net;
using BenchmarkDotNet.Attributes;
using LatchGateway.Audit;
using LatchGateway.Transforms;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace LatchGateway.Benchmarks;

/// <summary>
/// The latch on the request path, built by the gateway's own DI container: <see cref="LatchTransform.ApplyAsync"/>
/// alone (created as <see cref="LatchTransformFactory"/> creates it), and the route's whole YARP request
/// transformer (header copy, the scrubber, X-Forwarded-*, the latch) for the latched route against the open one.
/// Each operation presents a fresh code in <c>X-Latch-Code</c> on one reused <see cref="DefaultHttpContext"/>
/// from 127.0.0.1; every latched operation must be accepted. The started host's audit writer would take each
/// audit event off the queue: here the benchmark does (one TryRead per operation), so the queue never fills.
/// As in the host, where ASP.NET Core starts an activity for every request (the gateway's tracer listens to
/// <c>Microsoft.AspNetCore</c>, so that audit events carry a trace id), the operations run under a request activity.
/// </summary>
[MemoryDiagnoser]
[InvocationCount(1)]
public class TransformBenchmarks
{
    public const int Fresh = 1 << 17;

    private const string DestinationPrefix = "http://127.0.0.1:5000/";

    private static readonly ActivitySource AspNetCore = new("Microsoft.AspNetCore");

    private BenchGateway _gateway = null!;
    private IssuedCodes _fresh = null!;
    private LatchTransform _transform = null!;
    private HttpTransformer _latchedTransformer = null!;
    private HttpTransformer _openTransformer = null!;
    private AuditTrail _audit = null!;
    private DefaultHttpContext _http = null!;

    [GlobalSetup]
    public void Setup()
    {
        _gateway = new BenchGateway();
        var services = _gateway.Services;
        var now = _gateway.Clock.GetUtcNow();
        IssuedCodes.Create(StoreBenchmarks.Background, _gateway.Hasher, BenchGateway.LatchedRoute, now)
            .AddTo(_gateway.Store, now, IssuedCodes.LongTtl);
        _fresh = IssuedCodes.Create(Fresh, _gateway.Hasher, BenchGateway.LatchedRoute, now);

        _transform = ActivatorUtilities.CreateInstance<LatchTransform>(services, BenchGateway.LatchedRoute);
        var config = services.GetRequiredService<IProxyConfigProvider>().GetConfig();
        var cluster = config.Clusters.Single();
        var builder = services.GetRequiredService<ITransformBuilder>();
        _latchedTransformer = builder.Build(config.Routes.Single(r => r.RouteId == BenchGateway.LatchedRoute), cluster);
        _openTransformer = builder.Build(config.Routes.Single(r => r.RouteId == BenchGateway.OpenRoute), cluster);
        _audit = _gateway.Audit;

        _http = new DefaultHttpContext();
        _http.Connection.RemoteIpAddress = IPAddress.Loopback;
        _http.Request.Method = HttpMethods.Get;
        _http.Request.Scheme = "http";
        _http.Request.Protocol = "HTTP/1.1";
        _http.Request.Host = new HostString("127.0.0.1:8080");
        _http.Request.Headers.Host = "127.0.0.1:8080";
    }

    [IterationSetup]
    public void Refill()
    {
        _gateway.Refill(_fresh);
        while (_audit.TryTake(out _))
        {
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _gateway.Dispose();

    /// <summary><see cref="LatchTransform.ApplyAsync"/> with a fresh code: validated, burned, audited, <c>X-Latch-Id</c> added.</summary>
    [Benchmark(OperationsPerInvoke = Fresh)]
    public async Task<int> LatchTransformApply()
    {
        using var request = StartRequestActivity();
        _http.Request.Path = "/latched/hello";
        using var proxyRequest = new HttpRequestMessage();
        var context = new RequestTransformContext
        {
            HttpContext = _http,
            ProxyRequest = proxyRequest,
            Path = _http.Request.Path,
            DestinationPrefix = DestinationPrefix,
        };

        var accepted = 0;
        foreach (var code in _fresh.Presented)
        {
            _http.Request.Headers[PresentedCode.HeaderName] = code;
            await _transform.ApplyAsync(context);
            accepted += proxyRequest.Headers.Remove(PresentedCode.IdHeaderName) ? 1 : 0;
            _audit.TryTake(out _);
        }

        return Accepted(accepted);
    }

    /// <summary>
    /// <see cref="LatchRequestScrubber"/>, the first transform of every route, on a proxy request that carries the
    /// client's <c>X-Latch-Code</c> (as every latched request does once YARP has copied the headers).
    /// </summary>
    [Benchmark(OperationsPerInvoke = Fresh)]
    public async Task<int> ScrubberApply()
    {
        using var request = StartRequestActivity();
        using var proxyRequest = new HttpRequestMessage();
        var context = new RequestTransformContext { HttpContext = _http, ProxyRequest = proxyRequest, DestinationPrefix = DestinationPrefix };
        var scrubber = _gateway.Services.GetRequiredService<LatchRequestScrubber>();
        var scrubbed = 0;
        foreach (var code in _fresh.Presented)
        {
            proxyRequest.Headers.TryAddWithoutValidation(PresentedCode.HeaderName, code);
            await scrubber.ApplyAsync(context);
            scrubbed += proxyRequest.Headers.Contains(PresentedCode.HeaderName) ? 0 : 1;
        }

        return scrubbed == Fresh ? scrubbed : throw new InvalidOperationException("The scrubber left a latch code.");
    }

    /// <summary>The latched route's whole request transformer, a new proxy request per operation (as YARP makes one).</summary>
    [Benchmark(OperationsPerInvoke = Fresh)]
    public async Task<int> RouteTransformerLatched()
    {
        using var request = StartRequestActivity();
        _http.Request.Path = "/latched/hello";
        var accepted = 0;
        foreach (var code in _fresh.Presented)
        {
            _http.Request.Headers[PresentedCode.HeaderName] = code;
            using var proxyRequest = new HttpRequestMessage();
            await _latchedTransformer.TransformRequestAsync(_http, proxyRequest, DestinationPrefix, CancellationToken.None);
            accepted += proxyRequest.Headers.Contains(PresentedCode.IdHeaderName) ? 1 : 0;
            _audit.TryTake(out _);
        }

        return Accepted(accepted);
    }

    /// <summary>The same request on the unlatched route: the baseline of <see cref="RouteTransformerLatched"/>.</summary>
    [Benchmark(OperationsPerInvoke = Fresh, Baseline = true)]
    public async Task<int> RouteTransformerOpen()
    {
        using var request = StartRequestActivity();
        _http.Request.Path = "/open/hello";
        var forwarded = 0;
        foreach (var code in _fresh.Presented)
        {
            _http.Request.Headers[PresentedCode.HeaderName] = code;
            using var proxyRequest = new HttpRequestMessage();
            await _openTransformer.TransformRequestAsync(_http, proxyRequest, DestinationPrefix, CancellationToken.None);
            forwarded += proxyRequest.Headers.Contains(PresentedCode.HeaderName) ? 0 : 1;
        }

        return forwarded == Fresh ? forwarded : throw new InvalidOperationException("The open route forwarded a latch code.");
    }

    /// <summary>What ASP.NET Core's hosting starts for each request; the gateway's tracer provider listens to it.</summary>
    private static Activity? StartRequestActivity() =>
        AspNetCore.StartActivity("Microsoft.AspNetCore.Hosting.HttpRequestIn", ActivityKind.Server);

    private static int Accepted(int accepted) =>
        accepted == Fresh ? accepted : throw new InvalidOperationException($"Only {accepted} of {Fresh} codes were accepted.");
}
