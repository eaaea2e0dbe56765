using System.Text;
using Microsoft.Net.Http.Headers;

namespace LatchGateway.Transforms;

/// <summary>
/// The RFC 9457 answers the gateway gives instead of forwarding: a latched route's, and the refusal of an
/// ambiguous path on any Proxy route. The bodies are fixed: they say what
/// the client may know (the <c>error</c> member) and nothing of why a code was refused.
/// </summary>
internal sealed class LatchProblem
{
    public static readonly LatchProblem Required = new(
        StatusCodes.Status401Unauthorized, "Unauthorized", "latch_required", "This route requires a latch code.");

    public static readonly LatchProblem Invalid = new(
        StatusCodes.Status403Forbidden, "Forbidden", "latch_invalid", "The latch code is not valid for this request.");

    public static readonly LatchProblem LockedOut = new(
        StatusCodes.Status429TooManyRequests, "Too Many Requests", "latch_locked_out", "Too many refused latch codes; try again later.");

    public static readonly LatchProblem Unavailable = new(
        StatusCodes.Status503ServiceUnavailable, "Service Unavailable", "latch_unavailable", "Latch codes cannot be checked right now.");

    /// <summary>Any Proxy route, before routing: the path could mean another route to a backend (see <c>AmbiguousPath</c>).</summary>
    public static readonly LatchProblem PathRejected = new(
        StatusCodes.Status400BadRequest, "Bad Request", "path_rejected", "The request path is ambiguous and is refused.");

    private const string ContentType = "application/problem+json";

    private readonly byte[] _body;

    private LatchProblem(int status, string title, string error, string detail)
    {
        Status = status;
        Error = error;
        _body = Encoding.UTF8.GetBytes(
            $$"""{"type":"about:blank","title":"{{title}}","status":{{status}},"detail":"{{detail}}","error":"{{error}}"}""");
    }

    public int Status { get; }

    public string Error { get; }

    /// <summary>Writes the answer; <paramref name="retryAfterSeconds"/> adds <c>Retry-After</c>.</summary>
    public Task WriteAsync(HttpResponse response, int? retryAfterSeconds = null)
    {
        response.StatusCode = Status;
        var headers = response.Headers;
        headers.ContentType = ContentType;
        headers.CacheControl = "no-store";
        headers.ContentLength = _body.Length;
        if (Status == StatusCodes.Status401Unauthorized)
        {
            headers.WWWAuthenticate = "Latch";
        }

        if (retryAfterSeconds is { } seconds)
        {
            headers[HeaderNames.RetryAfter] = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return response.Body.WriteAsync(_body, 0, _body.Length);
    }
}
