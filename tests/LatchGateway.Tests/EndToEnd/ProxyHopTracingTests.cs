using System.Net;
using LatchGateway.Tests.Infrastructure;

namespace LatchGateway.Tests.EndToEnd;

/// <summary>
/// What the backend receives of the request's trace: without a trace exporter, a <c>traceparent</c> in the caller's
/// trace (or, when the caller sent none, in the trace the audit trail records), the caller's <c>tracestate</c> as
/// sent; with traces exported over OTLP the same trace, continued from the gateway's own span.
/// </summary>
public sealed class ProxyHopTracingTests
{
    [Fact]
    public async Task Without_an_exporter_the_backend_receives_the_callers_trace_and_tracestate()
    {
        await using var backend = await TestBackend.StartAsync();
        await using var gateway = await GatewayInstance.StartAsync(backend, GatewayFixture.NoLockout);
        var (traceId, traceParent) = AuditHttp.NewTraceParent();
        var path = LatchHttp.UniquePath("/public/");
        using var proxy = gateway.CreateProxyClient();

        using var response = await proxy.GetWithCodeAsync(path, code: null, ("traceparent", traceParent), ("tracestate", "vendor=7"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = Assert.Single(backend.ReceivedUnder(path));
        Assert.Equal(traceId, received.Headers["traceparent"].Split('-')[1]);
        Assert.Equal("vendor=7", received.Headers["tracestate"]);
    }

    [Fact]
    public async Task Without_an_exporter_a_request_without_a_trace_reaches_the_backend_in_the_trace_its_audit_event_names()
    {
        await using var backend = await TestBackend.StartAsync();
        await using var gateway = await GatewayInstance.StartAsync(backend, GatewayFixture.NoLockout);
        var code = await AuditHttp.IssueAsync(gateway, new { route = "orders-admin" });
        var path = LatchHttp.UniquePath("/orders/admin/");
        using var proxy = gateway.CreateProxyClient();

        using var response = await proxy.GetWithCodeAsync(path, code.Code);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var forwarded = Assert.Single(backend.ReceivedUnder(path)).Headers["traceparent"].Split('-');
        using var admin = gateway.CreateAdminClient();
        var accepted = await AuditHttp.WaitForEventAsync(admin, "accepted", code.Id);
        Assert.Equal(accepted.Str("traceId"), forwarded[1]);
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
