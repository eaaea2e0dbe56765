using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using LatchGateway.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace LatchGateway.Tests.EndToEnd;

/// <summary>
/// Runs once, on a gateway logging at Trace: issues codes and presents each in one way (query, header, latched and
/// unlatched routes, odd spellings), makes failing admin calls, and keeps every response, the logs and the metrics.
/// </summary>
public sealed class LeakScenario : IAsyncLifetime
{
    public const string WrongApiKey = "wrong-admin-key-7f3a9c1e5b";

    /// <summary>How each code is presented; every technique gets a code of its own, so a leak names its technique.</summary>
    public static readonly IReadOnlyDictionary<string, string> Techniques = new Dictionary<string, string>
    {
        ["query, latched route, valid"] = "/orders/admin/{path}?latch_code={code}",
        ["query, latched route, among other parameters"] = "/orders/admin/{path}?a=1&latch_code={code}&b=2",
        ["query, latched route, lower case without dash"] = "/orders/admin/{path}?latch_code={lower}",
        ["query, latched route, dash percent-encoded"] = "/orders/admin/{path}?latch_code={encoded}",
        ["query, latched route, plus as separator"] = "/orders/admin/{path}?latch_code={plus}",
        ["query, latched route, upper-case parameter name"] = "/orders/admin/{path}?LATCH_CODE={code}",
        ["query, latched route, latch%5Fcode"] = "/orders/admin/{path}?latch%5Fcode={code}",
        ["query, latched route, second latch_code parameter"] = "/orders/admin/{path}?latch_code=00000-00000&latch_code={code}",
        ["query, latched route, wrong route"] = "/exports/{path}?latch_code={code}",
        ["query, latched route, presented twice"] = "/orders/admin/{path}?latch_code={code}|twice",
        ["query, latched route, after revocation"] = "/orders/admin/{path}?latch_code={code}|revoke",
        ["query, unlatched route"] = "/public/{path}?latch_code={code}",
        ["query, admin endpoint"] = "admin:/orders/admin/{path}?latch_code={code}",
        ["query, never issued"] = "/orders/admin/{path}?latch_code={code}|unissued",
        ["header, latched route, valid"] = "header:/orders/admin/{path}",
        ["header, latched route, wrong route"] = "header:/exports/{path}",
        ["header, unlatched route"] = "header:/public/{path}",
        ["query, latched route, percent-encoded parameter name"] = "raw:/orders/admin/{path}?%6Catch_code={code}",
        ["query, latched route, quoted value"] = "/orders/admin/{path}?latch_code='{code}'",
        ["query, latched route, semicolon before the code"] = "/orders/admin/{path}?latch_code=;{code}",
        ["query, latched route, equals sign before the code"] = "/orders/admin/{path}?latch_code=={code}&b=1",
        ["query, latched route, encoded semicolon before the code"] = "/orders/admin/{path}?latch_code=%3B{code}",
        ["query, latched route, after a semicolon"] = "/orders/admin/{path}?a=1;latch_code={code}",
    };

    public TestBackend Backend { get; private set; } = null!;

    public GatewayInstance Gateway { get; private set; } = null!;

    /// <summary>Code (as issued) by technique.</summary>
    public Dictionary<string, string> Codes { get; } = new(StringComparer.Ordinal);

    /// <summary>Every response but the issue responses: what was asked, and status, headers and body.</summary>
    public List<(string Request, string Response)> Responses { get; } = [];

    public string Metrics { get; private set; } = "";

    public string Logs => Gateway.Logs.All;

    public async Task InitializeAsync()
    {
        Backend = await TestBackend.StartAsync();
        Gateway = await GatewayInstance.StartAsync(Backend, GatewayFixture.NoLockout, minimumLogLevel: LogLevel.Trace);
        using var proxy = Gateway.CreateProxyClient();
        using var admin = Gateway.CreateAdminClient();
        using var adminWithoutKey = Gateway.CreateAdminClient(keyName: null);

        foreach (var (technique, template) in Techniques)
        {
            var parts = template.Split('|');
            var option = parts.Length > 1 ? parts[1] : "";
            var issued = option == "unissued" ? null : await Gateway.IssueAsync();
            var code = issued?.Code ?? LatchHttp.RandomCode();
            Codes[technique] = code;
            if (option == "revoke")
            {
                using var revoked = await admin.DeleteAsync($"admin/codes/{issued!.Id}");
                await Record("DELETE code", revoked);
            }

            var target = parts[0]
                .Replace("{path}", Guid.NewGuid().ToString("N"), StringComparison.Ordinal)
                .Replace("{code}", code, StringComparison.Ordinal)
                .Replace("{lower}", LatchHttp.Normalised(code).ToLowerInvariant(), StringComparison.Ordinal)
                .Replace("{encoded}", code.Replace("-", "%2D", StringComparison.Ordinal), StringComparison.Ordinal)
                .Replace("{plus}", code.Replace("-", "+", StringComparison.Ordinal), StringComparison.Ordinal);
            for (var i = 0; i < (option == "twice" ? 2 : 1); i++)
            {
                if (target.StartsWith("header:", StringComparison.Ordinal))
                {
                    using var response = await proxy.GetWithCodeAsync(target["header:".Length..], code, ("X-Latch-Foo", "bar"));
                    await Record($"{technique}: {target}", response);
                }
                else if (target.StartsWith("raw:", StringComparison.Ordinal))
                {
                    var response = await RawHttp.GetAsync(Gateway.ProxyAddress, target["raw:".Length..]);
                    Responses.Add(($"{technique}: {target}", response));
                }
                else if (target.StartsWith("admin:", StringComparison.Ordinal))
                {
                    using var response = await admin.GetAsync(target["admin:".Length..].TrimStart('/'));
                    await Record($"{technique}: {target}", response);
                }
                else
                {
                    using var response = await proxy.GetAsync(target.TrimStart('/'));
                    await Record($"{technique}: {target}", response);
                }
            }
        }

        // Failing admin calls: a wrong key, a key without the scope, bad input, an unknown id, and a listing.
        using (var wrong = Gateway.CreateAdminClient(keyName: null))
        {
            wrong.DefaultRequestHeaders.Add("X-Api-Key", WrongApiKey);
            using var issue = await wrong.PostAsJsonAsync("admin/codes", new { route = "orders-admin" });
            await Record("POST with wrong key", issue);
            using var list = await wrong.GetAsync("admin/codes");
            await Record("GET with wrong key", list);
        }

        using (var reader = Gateway.CreateAdminClient("reader"))
        {
            using var issue = await reader.PostAsJsonAsync("admin/codes", new { route = "orders-admin" });
            await Record("POST with reader key", issue);
            using var list = await reader.GetAsync("admin/codes");
            await Record("GET list with reader key", list);
        }

        using (var issuer = Gateway.CreateAdminClient("issuer"))
        using (var list = await issuer.GetAsync("admin/codes"))
        {
            await Record("GET list with issuer key", list);
        }

        using (var bad = await admin.PostAsJsonAsync("admin/codes", new { route = "public", ttlSeconds = 0 }))
        {
            await Record("POST bad body", bad);
        }

        using (var missing = await admin.GetAsync("admin/codes/nosuchcode"))
        {
            await Record("GET unknown id", missing);
        }

        using (var noKey = await adminWithoutKey.DeleteAsync("admin/codes/nosuchcode"))
        {
            await Record("DELETE without key", noKey);
        }

        using var metrics = await adminWithoutKey.GetAsync("metrics");
        Metrics = await metrics.Content.ReadAsStringAsync();
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Backend.DisposeAsync();
    }

    private async Task Record(string request, HttpResponseMessage response) =>
        Responses.Add((request, await LatchHttp.DescribeAsync(response)));
}

/// <summary>Codes and API keys never appear in logs (even at Trace), in responses other than the issue, or in metrics.</summary>
public sealed partial class LeakTests(LeakScenario scenario) : IClassFixture<LeakScenario>
{
    public static TheoryData<string> Techniques => new(LeakScenario.Techniques.Keys);

    [Fact]
    public void Logs_were_captured_at_trace_level()
    {
        Assert.Contains(scenario.Gateway.Logs.Lines, l => l.StartsWith("Trace ", StringComparison.Ordinal) || l.StartsWith("Debug ", StringComparison.Ordinal));
        Assert.Contains(scenario.Gateway.Logs.Lines, l => l.Contains("latch_code", StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [MemberData(nameof(Techniques))]
    public void No_log_line_contains_the_code(string technique)
    {
        var code = scenario.Codes[technique];

        var leaks = scenario.Gateway.Logs.Lines.Where(l => ContainsCode(l, code)).ToList();

        Assert.True(leaks.Count == 0, $"code {code} ({technique}) in {leaks.Count} log line(s):\n{string.Join("\n", leaks)}");
    }

    [Theory]
    [MemberData(nameof(Techniques))]
    public void No_response_contains_the_code(string technique)
    {
        var code = scenario.Codes[technique];

        var leaks = scenario.Responses.Where(r => ContainsCode(r.Response, code)).ToList();

        Assert.True(leaks.Count == 0, $"code {code} ({technique}) in:\n{string.Join("\n---\n", leaks.Select(l => $"{l.Request}\n{l.Response}"))}");
    }

    [Theory]
    [MemberData(nameof(Techniques))]
    public void Neither_metrics_nor_backend_contain_the_code(string technique)
    {
        var code = scenario.Codes[technique];
        var received = scenario.Backend.Received.Select(r => $"{r.Path}?{r.Query}\n{string.Join("\n", r.Headers.Select(h => $"{h.Key}: {h.Value}"))}");

        Assert.False(ContainsCode(scenario.Metrics, code), $"metrics contain {code}");
        Assert.DoesNotContain(received, r => ContainsCode(r, code));
    }

    [Fact]
    public void No_log_line_contains_an_api_key()
    {
        var keys = GatewayInstance.ApiKeys.Values.Select(k => k.Key).Append(LeakScenario.WrongApiKey).ToList();

        var leaks = scenario.Gateway.Logs.Lines.Where(l => keys.Any(k => l.Contains(k, StringComparison.OrdinalIgnoreCase))).ToList();

        Assert.True(leaks.Count == 0, string.Join("\n", leaks));
    }

    [Fact]
    public void No_response_contains_an_api_key()
    {
        var keys = GatewayInstance.ApiKeys.Values.Select(k => k.Key).Append(LeakScenario.WrongApiKey).ToList();

        Assert.DoesNotContain(scenario.Responses, r => keys.Any(k => r.Response.Contains(k, StringComparison.OrdinalIgnoreCase)));
    }

    /// <summary>
    /// Whether <paramref name="text"/> holds the code in any spelling the gateway would accept or a client would
    /// send: any case, groups joined by nothing, '-', space, '+', or a percent-encoded '-' or space.
    /// </summary>
    private static bool ContainsCode(string text, string code)
    {
        var normalised = LatchHttp.Normalised(code);
        var pattern = $"{Regex.Escape(normalised[..5])}(?:-|\\s|\\+|%2D|%20)*{Regex.Escape(normalised[5..])}";
        return Regex.IsMatch(text, pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }
}
