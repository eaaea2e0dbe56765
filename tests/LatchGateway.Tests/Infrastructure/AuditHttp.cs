using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LatchGateway.Audit;
using Microsoft.Extensions.Time.Testing;

namespace LatchGateway.Tests.Infrastructure;

/// <summary>Helpers for the audit tests: issuing with a reason, reading <c>/admin/audit</c>, waiting for the asynchronous writer.</summary>
public static class AuditHttp
{
    /// <summary>The members of an audit event, in the contract's order.</summary>
    public static readonly IReadOnlyList<string> Members = ["time", "type", "codeId", "route", "user", "clientIp", "reason", "actor", "traceId"];

    public const string CsvHeader = "time,type,codeId,route,user,clientIp,reason,actor,traceId";

    /// <summary>How long the tests wait for the audit writer: it writes in the background.</summary>
    public static readonly TimeSpan WriteTimeout = TimeSpan.FromSeconds(5);

    /// <summary>A fresh W3C trace context: the trace id alone, and the <c>traceparent</c> header value carrying it.</summary>
    public static (string TraceId, string TraceParent) NewTraceParent()
    {
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        return (traceId, $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
    }

    /// <summary>Issues a code with the ops key and any request members (reason, user, …); fails the test unless it is 201.</summary>
    public static async Task<IssuedCode> IssueAsync(GatewayInstance gateway, object body, string? traceParent = null)
    {
        ArgumentNullException.ThrowIfNull(gateway);
        using var admin = gateway.CreateAdminClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "admin/codes") { Content = JsonContent.Create(body) };
        if (traceParent is not null)
        {
            request.Headers.TryAddWithoutValidation("traceparent", traceParent);
        }

        using var response = await admin.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"issue failed: {(int)response.StatusCode} {text}");
        return JsonSerializer.Deserialize<IssuedCode>(text, GatewayInstance.Json)!;
    }

    /// <summary>Presents <paramref name="code"/> (or none) on a fresh path of the route, with the given <c>traceparent</c>.</summary>
    public static async Task<HttpStatusCode> PresentAsync(GatewayInstance gateway, string? code, string? traceParent = null, string prefix = "/orders/admin/")
    {
        ArgumentNullException.ThrowIfNull(gateway);
        using var proxy = gateway.CreateProxyClient();
        var headers = traceParent is null ? [] : new[] { ("traceparent", traceParent) };
        using var response = await proxy.GetWithCodeAsync(LatchHttp.UniquePath(prefix), code, headers);
        return response.StatusCode;
    }

    /// <summary>GET <c>/admin/audit{query}</c> with the ops key; asserts 200 and returns the events.</summary>
    public static async Task<List<JsonElement>> GetEventsAsync(HttpClient admin, string query = "")
    {
        ArgumentNullException.ThrowIfNull(admin);
        using var response = await admin.GetAsync("admin/audit" + query);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET /admin/audit{query}: {(int)response.StatusCode} {text}");
        return JsonSerializer.Deserialize<List<JsonElement>>(text)!;
    }

    /// <summary>
    /// Polls <c>/admin/audit{query}</c> every 50 ms (for at most 5 s) until <paramref name="done"/> holds; fails the test
    /// otherwise. <paramref name="clock"/> is the gateway's fake clock, if it runs on one: see <see cref="LetWriterRun"/>.
    /// </summary>
    public static async Task<List<JsonElement>> WaitForEventsAsync(
        HttpClient admin, string query, Func<IReadOnlyList<JsonElement>, bool> done, string? what = null, FakeTimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(done);
        var deadline = DateTime.UtcNow + WriteTimeout;
        while (true)
        {
            var events = await GetEventsAsync(admin, query);
            if (done(events))
            {
                return events;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"{what ?? "the expected audit events"} did not appear within {WriteTimeout.TotalSeconds} s; /admin/audit{query} returned:\n"
                    + string.Join("\n", events.Select(e => e.GetRawText())));
            }

            LetWriterRun(clock);
            await Task.Delay(50);
        }
    }

    /// <summary>
    /// The audit writer gathers each batch for <see cref="AuditWriter.BatchWindow"/> on the gateway's clock: on a fake
    /// clock it writes only when the clock moves, so a wait for the trail moves it that far at each poll.
    /// </summary>
    public static void LetWriterRun(FakeTimeProvider? clock) => clock?.Advance(AuditWriter.BatchWindow);

    /// <summary>Waits for the single event of <paramref name="type"/> about code <paramref name="codeId"/>.</summary>
    public static async Task<JsonElement> WaitForEventAsync(HttpClient admin, string type, string codeId)
    {
        var events = await WaitForEventsAsync(
            admin, "?limit=1000", e => e.Any(x => x.Str("type") == type && x.Str("codeId") == codeId), $"the {type} event of code {codeId}");
        return Assert.Single(events, x => x.Str("type") == type && x.Str("codeId") == codeId);
    }

    /// <summary>Waits for the single event recorded under trace <paramref name="traceId"/>.</summary>
    public static async Task<JsonElement> WaitForTraceAsync(HttpClient admin, string traceId, FakeTimeProvider? clock = null)
    {
        var events = await WaitForEventsAsync(admin, "?limit=1000", e => e.Any(x => x.Str("traceId") == traceId), $"the event of trace {traceId}", clock);
        return Assert.Single(events, x => x.Str("traceId") == traceId);
    }

    /// <summary>A string member, or null when it is JSON null.</summary>
    public static string? Str(this JsonElement element, string name) =>
        element.GetProperty(name) is { ValueKind: JsonValueKind.Null } ? null : element.GetProperty(name).GetString();

    public static DateTimeOffset Time(this JsonElement element) => element.GetProperty("time").GetDateTimeOffset();

    /// <summary>An ISO 8601 time for a query string.</summary>
    public static string Iso(DateTimeOffset time) => Uri.EscapeDataString(time.ToString("O", CultureInfo.InvariantCulture));

    /// <summary>Asserts that the event has exactly the contract's members.</summary>
    public static void AssertContractMembers(JsonElement element) =>
        Assert.Equal(Members.Order(StringComparer.Ordinal), element.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));

    /// <summary>Asserts that neither the code as issued nor its normalised form occurs in <paramref name="text"/>, in any case.</summary>
    public static void AssertNoCode(string text, string code, string where)
    {
        ArgumentNullException.ThrowIfNull(code);
        Assert.False(text.Contains(code, StringComparison.OrdinalIgnoreCase), $"{where} contains the code {code}");
        Assert.False(text.Contains(LatchHttp.Normalised(code), StringComparison.OrdinalIgnoreCase), $"{where} contains the normalised code {code}");
    }

    /// <summary>Parses RFC 4180 text into rows of fields (quoted fields may hold separators, quotes and line breaks).</summary>
    public static List<List<string>> ParseCsv(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var rows = new List<List<string>>();
        var row = new List<string>();
        var field = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"' && field.Length == 0)
            {
                quoted = true;
            }
            else if (c == ',')
            {
                row.Add(field.ToString());
                field.Clear();
            }
            else if (c == '\n' || c == '\r')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }

                row.Add(field.ToString());
                field.Clear();
                rows.Add(row);
                row = [];
            }
            else
            {
                field.Append(c);
            }
        }

        if (field.Length > 0 || row.Count > 0)
        {
            row.Add(field.ToString());
            rows.Add(row);
        }

        return rows;
    }
}
