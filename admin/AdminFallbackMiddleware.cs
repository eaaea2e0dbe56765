using Microsoft.AspNetCore.Http;

namespace LatchGateway.Admin;

/// <summary>
/// Runs on the admin listener only, so that what is answered there outside the admin handlers is problem+json too:
/// a path no endpoint serves (404), a method the path is not served with (405 with <c>Allow</c>), a
/// <see cref="BadHttpRequestException"/> that Kestrel raises while the request is read (a body over its limit,
/// broken chunked framing, a body sent too slowly), and any error status left without a body.
/// Kestrel's refusals of a request line or headers it cannot parse are written before any middleware runs.
/// </summary>
internal sealed class AdminFallbackMiddleware(RequestDelegate next, AllowedMethods allowedMethods)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint() is null)
        {
            await NoEndpointAsync(context);
            return;
        }

        try
        {
            await next(context);
        }
        catch (BadHttpRequestException exception) when (!context.Response.HasStarted)
        {
            // Its message may quote the request: the status says enough.
            context.Response.Clear();
            await AdminProblems.Write(context, exception.StatusCode, "The request could not be read.");
            return;
        }

        var response = context.Response;
        if (!response.HasStarted && response.StatusCode >= 400 && response.ContentLength is null && string.IsNullOrEmpty(response.ContentType))
        {
            // A bare 401 comes from the JWT bearer scheme of the access API, which has already said why in WWW-Authenticate.
            await AdminProblems.Write(context, response.StatusCode, response.StatusCode == StatusCodes.Status401Unauthorized
                ? "A valid bearer token (a JWT the gateway trusts) is required."
                : "The request was refused.");
        }
    }

    private Task NoEndpointAsync(HttpContext context)
    {
        if (allowedMethods.For(context.Request.Path) is not { } allow)
        {
            return AdminProblems.Write(context, StatusCodes.Status404NotFound, "Nothing is served at this path.");
        }

        context.Response.Headers.Allow = allow;
        return AdminProblems.Write(context, StatusCodes.Status405MethodNotAllowed, "This path is not served with this method; Allow lists the methods it is served with.");
    }
}
