using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using LatchGateway.Admin.Audit;
using LatchGateway.Contracts;

namespace LatchGateway.Tests.Infrastructure;

/// <summary>
/// Helpers for the lockout, identity and hostile-input tests: refusing on purpose, reading 429s, the audit trail
/// and the metrics of one gateway.
/// </summary>
public static class AbuseHttp
{
    /// <summary>Settings that lock a client out after <paramref name="maxFailures"/> refusals.</summary>
    public static Dictionary<string, string?> Lockout(int maxFailures, string duration = "00:05:00", string window = "00:01:00") => new()
    {
        ["Latch:Lockout:MaxFailures"] = maxFailures.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Latch:Lockout:Window"] = window,
        ["Latch:Lockout:Duration"] = duration,
    };

    /// <summary><paramref name="first"/> with every key of <paramref name="more"/> added or overridden, in order.</summary>
    public static Dictionary<string, string?> Merge(IReadOnlyDictionary<string, string?> first, params IReadOnlyDictionary<string, string?>[] more)
    {
        var merged = new Dictionary<string, string?>(first);
        foreach (var settings in more)
        {
            foreach (var (key, value) in settings)
            {
                merged[key] = value;
            }
        }

        return merged;
    }

    /// <summary>GET a latched path with the code (if any), a bearer token (if any) and extra headers.</summary>
    public static async Task<HttpResponseMessage> PresentAsync(
        this HttpClient client, string path, string? code, string? bearer = null, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path.TrimStart('/'));
        if (code is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Latch-Code", code);
        }

        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await client.SendAsync(request);
    }

    /// <summary>Presents <paramref name="count"/> never-issued codes and asserts each is refused with 403.</summary>
    public static async Task RefuseAsync(this HttpClient client, int count, string? bearer = null, string prefix = "/orders/admin/")
    {
        for (var i = 0; i < count; i++)
        {
            using var response = await client.PresentAsync(LatchHttp.UniquePath(prefix), LatchHttp.RandomCode(), bearer);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"refusal {i + 1}: expected 403, got {(int)response.StatusCode}: {body}");
        }
    }

    /// <summary>Asserts a 429 <c>latch_locked_out</c> problem with <c>Retry-After</c>; returns the seconds it gives.</summary>
    public static async Task<int> AssertLockedOutAsync(HttpResponseMessage response)
    {
        var problem = await LatchHttp.AssertProblemAsync(response, HttpStatusCode.TooManyRequests);
        Assert.Equal("latch_locked_out", problem.GetProperty("error").GetString());
        Assert.Equal(429, problem.GetProperty("status").GetInt32());
        Assert.True(LatchHttp.IsNoStore(response), "Cache-Control: no-store missing on a 429");
        return RetryAfterSeconds(response);
    }

    /// <summary>The whole seconds of <c>Retry-After</c>; fails the test when it is missing or not delta-seconds.</summary>
    public static int RetryAfterSeconds(HttpResponseMessage response)
    {
        Assert.True(response.Headers.TryGetValues("Retry-After", out var values), "Retry-After missing");
        var value = Assert.Single(values);
        Assert.True(
            int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds),
            $"Retry-After is not delta-seconds: '{value}'");
        return seconds;
    }

    /// <summary><c>GET /admin/audit</c> with the ops key; <paramref name="query"/> without the leading '?'.</summary>
    public static async Task<List<LatchAuditEvent>> AuditAsync(GatewayInstance gateway, string query = "limit=1000")
    {
        using var admin = gateway.CreateAdminClient();
        using var response = await admin.GetAsync($"admin/audit?{query}");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"audit query failed: {(int)response.StatusCode} {body}");
        return JsonSerializer.Deserialize<List<LatchAuditEvent>>(body, GatewayInstance.Json)!;
    }

    /// <summary>
    /// Polls the audit trail (it is written in the background) until <paramref name="done"/> holds; returns the last
    /// read. On a gateway with a fake clock each poll moves it by the writer's batch window (see <see cref="AuditHttp.LetWriterRun"/>).
    /// </summary>
    public static async Task<List<LatchAuditEvent>> WaitForAuditAsync(
        GatewayInstance gateway, Func<List<LatchAuditEvent>, bool> done, string query = "limit=1000", double timeoutSeconds = 5)
    {
        List<LatchAuditEvent> events = [];
        var reached = await LatchHttp.EventuallyAsync(
            async () =>
            {
                events = await AuditAsync(gateway, query);
                if (done(events))
                {
                    return true;
                }

                AuditHttp.LetWriterRun(gateway.Clock);
                return false;
            },
            TimeSpan.FromSeconds(timeoutSeconds));
        Assert.True(reached, "audit condition not reached; events:\n" + string.Join("\n", events));
        return events;
    }

    /// <summary>The gateway's <c>/metrics</c>, parsed.</summary>
    public static async Task<IReadOnlyList<PrometheusSample>> ScrapeAsync(GatewayInstance gateway)
    {
        using var admin = gateway.CreateAdminClient(keyName: null);
        using var response = await admin.GetAsync("metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return PrometheusText.Parse(await response.Content.ReadAsStringAsync());
    }

    public static double Total(IReadOnlyList<PrometheusSample> samples, string name, Func<PrometheusSample, bool>? where = null) =>
        samples.Where(s => s.Name == name && (where is null || where(s))).Sum(s => s.Value);

    /// <summary>An admin client from <paramref name="source"/> sending <paramref name="apiKey"/> verbatim (or none).</summary>
    public static HttpClient AdminClientFrom(GatewayInstance gateway, IPAddress source, string? apiKey)
    {
        var client = LatchHttp.CreateClientFrom(gateway.AdminAddress, source);
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        }

        return client;
    }
}
