using System.Text.RegularExpressions;

namespace LatchGateway.Tests.Deploy;

/// <summary>The metric names a PromQL expression reads, and the names the gateway's /metrics exports.</summary>
internal static partial class PromQl
{
    /// <summary>What the gateway exports (README, Metrics) plus Prometheus's own <c>up</c>.</summary>
    public static readonly IReadOnlySet<string> KnownMetrics = new HashSet<string>(StringComparer.Ordinal)
    {
        "latch_validations_total",
        "latch_codes_issued_total",
        "latch_codes_revoked_total",
        "latch_sessions_opened_total",
        "latch_sessions_ended_total",
        "latch_access_requests_total",
        "latch_notifications_total",
        "latch_lockouts_total",
        "latch_validation_duration_seconds_bucket",
        "latch_validation_duration_seconds_sum",
        "latch_validation_duration_seconds_count",
        "latch_audit_dropped_total",
        "latch_store_available",
        "http_server_request_duration_seconds_bucket",
        "http_server_request_duration_seconds_sum",
        "http_server_request_duration_seconds_count",
        "kestrel_active_connections",
        "up",
    };

    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "and", "or", "unless", "atan2", "bool", "offset", "inf", "nan",
    };

    /// <summary>
    /// Identifiers that are neither functions, aggregations, keywords nor labels: strings, label matchers
    /// (<c>{…}</c>), ranges (<c>[…]</c>), grouping clauses (<c>by (…)</c>) and Grafana variables are cut out first.
    /// </summary>
    public static IReadOnlySet<string> MetricNames(string expr)
    {
        var text = StringLiteral().Replace(expr, " ");
        text = Braces().Replace(text, " ");
        text = Brackets().Replace(text, " ");
        text = Grouping().Replace(text, " ");
        text = Variable().Replace(text, " ");
        return Identifier().Matches(text).Select(m => m.Value).Where(name => !Keywords.Contains(name)).ToHashSet(StringComparer.Ordinal);
    }

    [GeneratedRegex("""("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`)""")]
    private static partial Regex StringLiteral();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Braces();

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex Brackets();

    [GeneratedRegex(@"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")]
    private static partial Regex Grouping();

    [GeneratedRegex(@"\$\{?\w+\}?")]
    private static partial Regex Variable();

    // Not preceded by a word character (so not the "m" of "5m"), whole word, not followed by "(" (a function call).
    [GeneratedRegex(@"(?<![\w.:])[a-zA-Z_:][\w:]*(?![\w:])(?!\s*\()")]
    private static partial Regex Identifier();
}
