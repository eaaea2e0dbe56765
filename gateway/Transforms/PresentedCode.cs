namespace LatchGateway.Transforms;

/// <summary>Where a client puts a latch code: the <c>X-Latch-Code</c> header, else the <c>latch_code</c> query parameter.</summary>
internal static class PresentedCode
{
    public const string HeaderName = "X-Latch-Code";

    public const string QueryName = "latch_code";

    /// <summary>Prefix of every header that belongs to the gateway; clients may not send them on.</summary>
    public const string ReservedHeaderPrefix = "X-Latch-";

    /// <summary>Header the backend receives on success, naming the code by id.</summary>
    public const string IdHeaderName = "X-Latch-Id";

    public static string? Read(HttpRequest request)
    {
        var header = request.Headers[HeaderName];
        if (HasHeader(header))
        {
            return header[0];
        }

        if (MayCarryCode(request.QueryString))
        {
            var query = request.Query[QueryName];
            if (query.Count > 0)
            {
                return query[0];
            }
        }

        return null;
    }

    /// <summary>
    /// Cheap test before parsing the query: a raw query string can name <c>latch_code</c> only in clear or
    /// percent-encoded.
    /// </summary>
    public static bool MayCarryCode(QueryString queryString) =>
        queryString.Value is { Length: > 0 } raw
        && (raw.Contains(QueryName, StringComparison.OrdinalIgnoreCase) || raw.Contains('%', StringComparison.Ordinal));

    /// <summary>Whether the code <see cref="Read"/> finds is the query parameter's (no code header was sent).</summary>
    public static bool CameFromQuery(HttpRequest request) => !HasHeader(request.Headers[HeaderName]) && Read(request) is not null;

    private static bool HasHeader(Microsoft.Extensions.Primitives.StringValues header) => header.Count > 0 && !string.IsNullOrEmpty(header[0]);
}
