using System.Diagnostics;
using Yarp.ReverseProxy.Transforms;

namespace LatchGateway.Diagnostics;

/// <summary>
/// When traces are not exported the forwarder creates no outgoing span and writes no trace headers
/// (<see cref="ForwarderTracingHttpClientFactory"/>). This transform still gives the backend the request's trace: a
/// <c>traceparent</c> naming the gateway's request span, whose trace id is the caller's when it sent one and is the
/// one the audit trail records either way, so backend logs and audit events can be matched. One header write, no span.
/// </summary>
internal sealed class TraceParentTransform : RequestTransform
{
    private const string Header = "traceparent";

    public override ValueTask ApplyAsync(RequestTransformContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (Activity.Current is { IdFormat: ActivityIdFormat.W3C, Id: { } id })
        {
            var headers = context.ProxyRequest.Headers;
            headers.Remove(Header);
            headers.TryAddWithoutValidation(Header, id);
        }

        return ValueTask.CompletedTask;
    }
}
