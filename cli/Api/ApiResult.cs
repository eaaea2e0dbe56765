using System.Text.Json;

namespace Latchctl.Api;

/// <summary>An answer of the API: the typed value for tables and decisions, and the JSON exactly as returned for <c>--output json</c>.</summary>
internal sealed record ApiResult<T>(T Value, JsonElement Json)
{
    /// <summary>The next page of a paged list (its <c>Link: &lt;…&gt;; rel="next"</c>, on the same gateway), or null on the last page.</summary>
    public Uri? Next { get; init; }
}
