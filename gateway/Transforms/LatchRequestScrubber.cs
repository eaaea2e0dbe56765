using Yarp.ReverseProxy.Transforms;

namespace LatchGateway.Transforms;

/// <summary>
/// First transform of every route, latched or not: drops client-sent <c>X-Latch-*</c> headers and the
/// <c>latch_code</c> query parameter from the forwarded request, so no backend ever sees a code or a forged
/// <c>X-Latch-Id</c>.
/// </summary>
internal sealed class LatchRequestScrubber : RequestTransform
{
    public static readonly LatchRequestScrubber Instance = new();

    public override ValueTask ApplyAsync(RequestTransformContext context)
    {
        RemoveReservedHeaders(context.ProxyRequest.Headers);

        var request = context.HttpContext.Request;
        if (PresentedCode.MayCarryCode(request.QueryString) && request.Query.ContainsKey(PresentedCode.QueryName))
        {
            var filtered = new DefaultHttpContext();
            filtered.Request.QueryString = QueryStringFilter.Remove(request.QueryString, PresentedCode.QueryName);
            context.Query = new QueryTransformContext(filtered.Request);
        }

        return ValueTask.CompletedTask;
    }

    private static void RemoveReservedHeaders(System.Net.Http.Headers.HttpRequestHeaders headers)
    {
        List<string>? reserved = null;
        foreach (var header in headers.NonValidated)
        {
            if (header.Key.StartsWith(PresentedCode.ReservedHeaderPrefix, StringComparison.OrdinalIgnoreCase))
            {
                (reserved ??= []).Add(header.Key);
            }
        }

        if (reserved is not null)
        {
            foreach (var name in reserved)
            {
                headers.Remove(name);
            }
        }
    }
}
