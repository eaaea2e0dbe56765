using LatchGateway.Diagnostics;
using LatchGateway.Hosting;
using LatchGateway.Transforms;
using Microsoft.AspNetCore.Http.Features;

namespace LatchGateway.Paths;

/// <summary>
/// First middleware, before routing: on the Proxy listener, a request whose path is ambiguous (see
/// <see cref="AmbiguousPath"/>) is answered <c>400 path_rejected</c> before any route is matched against it, on
/// every route, latched or not. Otherwise an open route (<c>/orders/{**rest}</c>) would forward
/// <c>/orders//admin/x</c> to a backend that serves it as the latched <c>/orders/admin/x</c>, with no code.
/// The Admin listener is not concerned: it forwards nothing.
/// </summary>
internal sealed class AmbiguousPathGuard(RequestDelegate next, LatchMetrics metrics, ILogger<AmbiguousPathGuard> logger)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (!string.Equals(Listeners.Of(context), Listeners.Proxy, StringComparison.Ordinal))
        {
            return next(context);
        }

        var rawPath = RequestTarget.PathOf(context.Features.Get<IHttpRequestFeature>()?.RawTarget);
        var reason = AmbiguousPath.Classify(rawPath, context.Request.Path.Value);
        if (reason == PathRejection.None)
        {
            return next(context);
        }

        metrics.PathRejected(reason);

        // The raw path only: the query string may hold a latch code. Debug is off in production: no string then.
        if (logger.IsEnabled(LogLevel.Debug))
        {
            Log.PathRejected(logger, reason.ToName(), rawPath.ToString(), context.Connection.RemoteIpAddress);
        }
        return LatchProblem.PathRejected.WriteAsync(context.Response);
    }
}
