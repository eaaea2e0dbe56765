using System.Net;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Transforms;

namespace LatchGateway.Tests.Transforms;

/// <summary>YARP's <see cref="RequestTransformContext"/> for a GET of a latched path, as the proxy hands it to request transforms.</summary>
internal static class TransformContexts
{
    public const string Path = "/orders/admin/x";

    /// <summary>
    /// A request from <paramref name="clientIp"/> (203.0.113.7 by default) with <paramref name="query"/> and, when
    /// given, the code in <c>X-Latch-Code</c>; the response body is a <see cref="MemoryStream"/> (see <see cref="ResponseBody"/>).
    /// </summary>
    public static RequestTransformContext Get(
        string? header = null, string? query = null, IPAddress? clientIp = null, CancellationToken cancellationToken = default)
    {
        var http = new DefaultHttpContext();
        http.Connection.RemoteIpAddress = clientIp ?? IPAddress.Parse("203.0.113.7");
        http.Request.Method = "GET";
        http.Request.Path = Path;
        http.Request.QueryString = new QueryString(query);
        http.Response.Body = new MemoryStream();
        if (header is not null)
        {
            http.Request.Headers["X-Latch-Code"] = header;
        }

        return new RequestTransformContext
        {
            HttpContext = http,
            ProxyRequest = new HttpRequestMessage(HttpMethod.Get, "http://backend/"),
            Path = http.Request.Path,
            Query = new QueryTransformContext(http.Request),
            DestinationPrefix = "http://backend/",
            HeadersCopied = true,
            CancellationToken = cancellationToken,
        };
    }

    /// <summary>What a transform wrote to the response, as UTF-8 text.</summary>
    public static string ResponseBody(RequestTransformContext context) =>
        System.Text.Encoding.UTF8.GetString(((MemoryStream)context.HttpContext.Response.Body).ToArray());
}
