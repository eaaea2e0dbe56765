using Yarp.ReverseProxy.Forwarder;

namespace LatchGateway.Diagnostics;

/// <summary>
/// YARP's forwarder client, which creates an outgoing span and writes the trace context into the forwarded request
/// only when traces are exported (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c>): then the backend's span is a child of the
/// gateway's. Without an exporter no span is recorded, and each request saves the outgoing activity HttpClient would
/// otherwise create (about 1.3 KB of allocation); <see cref="TraceParentTransform"/> then writes the
/// <c>traceparent</c> itself, and the caller's <c>tracestate</c> and <c>baggage</c> go through as sent.
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
