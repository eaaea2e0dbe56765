using System.Net;
using LatchGateway.Tests.Infrastructure;

namespace LatchGateway.Tests.EndToEnd;

/// <summary>
/// Metrics of hosts in one process mix (OpenTelemetry listens to every meter named <c>LatchGateway</c>), so the
/// classes that count run alone, after the parallel ones.
/// </summary>
[CollectionDefinition(nameof(SerialMetricsGroup), DisableParallelization = true)]
public sealed class SerialMetricsGroup;

/// <summary>Prometheus metrics and health endpoints on the Admin endpoint.</summary>
[Collection(nameof(SerialMetricsGroup))]
public sealed class MetricsTests(MemoryGatewayFixture fixture) : IClassFixture<MemoryGatewayFixture>
{
    // A client address no listener, backend or configuration uses, so any label carrying it is the client's IP.
    private static readonly IPAddress ClientIp = IPAddress.Parse("127.0.0.42");

    private GatewayInstance Gateway => fixture.Gateway;

    [Fact]
    public async Task Metrics_count_validations_by_outcome_and_issues_and_revocations_by_route()
    {
        // A gateway of its own, so the counts are exactly this test's.
        await using var gateway = await GatewayInstance.StartAsync(fixture.Backend, GatewayFixture.NoLockout);
        var user = $"metrics-user-{Guid.NewGuid():N}";
        var accepted = await gateway.IssueAsync(ip: ClientIp.ToString());
        var used = await gateway.IssueAsync();
        var revoked = await gateway.IssueAsync();
        var wrongRoute = await gateway.IssueAsync(route: "exports");
        var wrongIp = await gateway.IssueAsync(ip: "203.0.113.7");
        var wrongUser = await gateway.IssueAsync(user: user);
        var unknown = LatchHttp.RandomCode();
        using (var admin = gateway.CreateAdminClient())
        using (var deleted = await admin.DeleteAsync($"admin/codes/{revoked.Id}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        using var proxy = LatchHttp.CreateClientFrom(gateway.ProxyAddress, ClientIp);
        var presentations = new (string? Code, HttpStatusCode Expected)[]
        {
            (accepted.Code, HttpStatusCode.OK),
            (used.Code, HttpStatusCode.OK),
            (used.Code, HttpStatusCode.Forbidden),
            (revoked.Code, HttpStatusCode.Forbidden),
            (wrongRoute.Code, HttpStatusCode.Forbidden),
            (wrongIp.Code, HttpStatusCode.Forbidden),
            (wrongUser.Code, HttpStatusCode.Forbidden),
            (unknown, HttpStatusCode.Forbidden),
            (null, HttpStatusCode.Unauthorized),
        };
        foreach (var (code, expected) in presentations)
        {
            using var response = await proxy.GetWithCodeAsync(LatchHttp.UniquePath(), code);
            Assert.Equal(expected, response.StatusCode);
        }

        var expectedOutcomes = new[] { "accepted", "used", "revoked", "route_mismatch", "ip_mismatch", "user_mismatch", "invalid", "missing" };
        IReadOnlyList<PrometheusSample> samples = [];
        var complete = await LatchHttp.EventuallyAsync(
            async () =>
            {
                samples = PrometheusText.Parse(await ScrapeAsync(gateway));
                return expectedOutcomes.All(o => Validations(samples, o) >= 1)
                    && samples.Any(s => s.Name == "latch_codes_revoked_total" && s["route"] == "orders-admin");
            },
            TimeSpan.FromSeconds(5));

        Assert.True(complete, string.Join("\n", samples.Where(s => s.Name.StartsWith("latch_", StringComparison.Ordinal))));
        Assert.Equal(2, Validations(samples, "accepted"));
        Assert.Equal(1, Validations(samples, "used"));
        Assert.Equal(1, Validations(samples, "invalid"));
        Assert.Equal(1, Validations(samples, "missing"));
        Assert.All(
            samples.Where(s => s.Name == "latch_validations_total"),
            s => Assert.Contains(s["outcome"], new[] { "accepted", "missing", "invalid", "expired", "used", "revoked", "route_mismatch", "ip_mismatch", "user_mismatch", "locked_out", "unavailable" }));
        Assert.Equal(5, Sum(samples, "latch_codes_issued_total", "orders-admin"));
        Assert.Equal(1, Sum(samples, "latch_codes_issued_total", "exports"));
        Assert.Equal(1, Validations(samples, "revoked"));
        Assert.Equal(1, Validations(samples, "route_mismatch"));
        Assert.Equal(1, Validations(samples, "ip_mismatch"));
        Assert.Equal(1, Validations(samples, "user_mismatch"));
        Assert.Equal(1, Sum(samples, "latch_codes_revoked_total", "orders-admin"));
        Assert.Contains(samples, s => s.Name == "latch_validation_duration_seconds_bucket" && s["route"] == "orders-admin" && s["le"] is not null);
        Assert.Contains(samples, s => s.Name == "latch_validation_duration_seconds_count" && s["route"] == "orders-admin" && s.Value >= presentations.Length);
    }

    [Fact]
    public async Task Metrics_include_ASP_NET_Core_and_Kestrel_meters()
    {
        using (var proxy = Gateway.CreateProxyClient())
        using (var response = await proxy.GetAsync(LatchHttp.UniquePath("/public/")))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        IReadOnlyList<PrometheusSample> samples = [];
        var found = await LatchHttp.EventuallyAsync(
            async () =>
            {
                samples = PrometheusText.Parse(await ScrapeAsync(Gateway));
                return samples.Any(s => s.Name.StartsWith("http_server_request_duration_seconds", StringComparison.Ordinal))
                    && samples.Any(s => s.Name.StartsWith("kestrel_", StringComparison.Ordinal));
            },
            TimeSpan.FromSeconds(5));

        Assert.True(found, string.Join("\n", samples.Select(s => s.Name).Distinct()));
    }

    [Fact]
    public async Task No_label_carries_a_code_a_client_ip_or_a_user()
    {
        await using var gateway = await GatewayInstance.StartAsync(fixture.Backend, GatewayFixture.NoLockout);
        var user = $"label-user-{Guid.NewGuid():N}";
        var codes = new List<string>();
        using var proxy = LatchHttp.CreateClientFrom(gateway.ProxyAddress, ClientIp);
        foreach (var (ip, codeUser) in new[] { (ClientIp.ToString(), (string?)null), ("203.0.113.0/24", null), (null, user) })
        {
            var code = await gateway.IssueAsync(ip: ip, user: codeUser);
            codes.Add(code.Code);
            using var header = await proxy.GetWithCodeAsync(LatchHttp.UniquePath(), code.Code);
            using var query = await proxy.GetWithCodeAsync($"{LatchHttp.UniquePath()}?latch_code={code.Code}", code: null);
        }

        var text = "";
        IReadOnlyList<PrometheusSample> samples = [];
        var complete = await LatchHttp.EventuallyAsync(
            async () =>
            {
                text = await ScrapeAsync(gateway);
                samples = PrometheusText.Parse(text);
                return new[] { "accepted", "used", "ip_mismatch", "user_mismatch" }.All(o => Validations(samples, o) >= 1);
            },
            TimeSpan.FromSeconds(5));

        Assert.True(complete, text);
        var values = samples.SelectMany(s => s.Labels.Select(l => (Sample: s.Name, Label: l.Key, l.Value))).ToList();
        foreach (var code in codes)
        {
            Assert.DoesNotContain(LatchHttp.Normalised(code), LatchHttp.Normalised(text), StringComparison.Ordinal);
        }

        Assert.DoesNotContain(values, v => v.Value.Contains(ClientIp.ToString(), StringComparison.Ordinal));
        Assert.DoesNotContain(values, v => v.Value.Contains("203.0.113", StringComparison.Ordinal));
        Assert.DoesNotContain(values, v => v.Value.Contains(user, StringComparison.Ordinal));
        Assert.DoesNotContain(text, user, StringComparison.Ordinal);
        Assert.All(
            values.Where(v => v.Sample.StartsWith("latch_", StringComparison.Ordinal)),
            v => Assert.False(LooksLikeIp(v.Value), $"{v.Sample}{{{v.Label}=\"{v.Value}\"}} carries an IP"));
    }

    [Theory]
    [InlineData("healthz")]
    [InlineData("readyz")]
    public async Task Health_endpoints_answer_200_on_the_admin_endpoint_without_a_key(string path)
    {
        using var admin = Gateway.CreateAdminClient(keyName: null);

        using var response = await admin.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Metrics_need_no_key_and_are_prometheus_text()
    {
        using var admin = Gateway.CreateAdminClient(keyName: null);

        using var response = await admin.GetAsync("metrics");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
    }

    private static bool LooksLikeIp(string value) =>
        IPAddress.TryParse(value.Split('/')[0], out _) && (value.Count(c => c == '.') == 3 || value.Contains(':', StringComparison.Ordinal));

    private static double Validations(IReadOnlyList<PrometheusSample> samples, string outcome) =>
        samples.Where(s => s.Name == "latch_validations_total" && s["route"] == "orders-admin" && s["outcome"] == outcome).Sum(s => s.Value);

    private static double Sum(IReadOnlyList<PrometheusSample> samples, string name, string route) =>
        samples.Where(s => s.Name == name && s["route"] == route).Sum(s => s.Value);

    private static async Task<string> ScrapeAsync(GatewayInstance gateway)
    {
        using var admin = gateway.CreateAdminClient(keyName: null);
        using var response = await admin.GetAsync("metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }
}
