using System.Net;
using LatchGateway.Tests.Infrastructure;

namespace LatchGateway.Tests.EndToEnd;

/// <summary>
/// What the backend receives of the caller's trace: the caller's own <c>traceparent</c>, as sent, when the gateway
/// records no trace; with traces exported over OTLP the same trace, continued from the gateway's own span.
/// </summary>
public sealed class ProxyHopTracingTests
{
    [Fact]
    public async Task Without_an_exporter_the_backend_receives_the_callers_traceparent_and_tracestate_as_sent()
    {
        await using var backend = await TestBackend.StartAsync();
        await using var gateway = await GatewayInstance.StartAsync(backend, GatewayFixture.NoLockout);
        var (_, traceParent) = AuditHttp.NewTraceParent();
        var path = LatchHttp.UniquePath("/public/");
        using var proxy = gateway.CreateProxyClient();

        using var response = await proxy.GetWithCodeAsync(path, code: null, ("traceparent", traceParent), ("tracestate", "vendor=7"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = Assert.Single(backend.ReceivedUnder(path));
        Assert.Equal(traceParent, received.Headers["traceparent"]);
        Assert.Equal("vendor=7", received.Headers["tracestate"]);
    }

    [Fact]
    public async Task With_traces_exported_the_backend_receives_the_callers_trace_continued_from_the_gateways_span()
    {
        await using var backend = await TestBackend.StartAsync();
        await using var receiver = await OtlpReceiver.StartAsync();
        var settings = new Dictionary<string, string?>(GatewayFixture.NoLockout)
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Address.ToString().TrimEnd('/'),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        };
        await using var gateway = await GatewayInstance.StartAsync(backend, settings);
        var (traceId, traceParent) = AuditHttp.NewTraceParent();
        var path = LatchHttp.UniquePath("/public/");
        using var proxy = gateway.CreateProxyClient();

        using var response = await proxy.GetWithCodeAsync(path, code: null, ("traceparent", traceParent));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var forwarded = Assert.Single(backend.ReceivedUnder(path)).Headers["traceparent"].Split('-');
        Assert.Equal(traceId, forwarded[1]);
        Assert.NotEqual(traceParent.Split('-')[2], forwarded[2]);
    }
}
