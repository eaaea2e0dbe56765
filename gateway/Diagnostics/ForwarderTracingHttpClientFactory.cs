using Yarp.ReverseProxy.Forwarder;

namespace LatchGateway.Diagnostics;

/// <summary>
/// YARP's forwarder client, which writes the trace context into the forwarded request only when traces are exported
/// (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c>): then the backend's span is a child of the gateway's. Without an exporter no
/// span is recorded, so there is no gateway span to name as the parent: the client's own <c>traceparent</c> (and
/// <c>tracestate</c>, <c>baggage</c>) is forwarded as it came, like any other header, and each request saves the
/// outgoing activity HttpClient would otherwise create and the header it would rewrite (about 1.3 KB of allocation).
/// </summary>
internal sealed class ForwarderTracingHttpClientFactory(ILogger<ForwarderHttpClientFactory> logger, bool tracesExported)
    : ForwarderHttpClientFactory(logger)
{
    protected override void ConfigureHandler(ForwarderHttpClientContext context, SocketsHttpHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        base.ConfigureHandler(context, handler);
        if (!tracesExported)
        {
            // No propagator: SocketsHttpHandler then adds no diagnostics handler (no activity, no header rewrite).
            handler.ActivityHeadersPropagator = null;
        }
    }
}
