using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using LatchGateway.Tests.Infrastructure;

namespace LatchGateway.Tests.Audit;

/// <summary>
/// The audit trail as an auditor reads it through <c>GET /admin/audit</c> and <c>/admin/audit/export</c>, after real
/// issues, presentations and revocations. Every event is found by what the test alone knows: the code's id, or the
/// trace id of the request it sent (<c>traceparent</c>).
/// </summary>
public abstract partial class AuditTrailEndToEndTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : GatewayFixture
{
    public static TheoryData<string, string> BadQueries { get; } = new()
    {
        { "?limit=0", "limit" },
        { "?limit=1001", "limit" },
        { "?limit=abc", "limit" },
        { "?limit=-5", "limit" },
        { "?type=bogus", "type" },
        { "?since=yesterday", "since" },
        { "?route=" + new string('r', 257), "route" },
        { "?user=" + new string('u', 257), "user" },
    };

    public static TheoryData<string, string> BadExports { get; } = new()
    {
        { "?since=2026-02-01T00:00:00Z&until=2026-01-31T00:00:00Z", "until" },
        { "?format=xml", "format" },
        { "?since=yesterday", "since" },
        { "?until=soon", "until" },
    };

    private GatewayInstance Gateway => fixture.Gateway;

    [Fact]
    public async Task Reading_the_audit_trail_needs_the_audit_read_scope()
    {
        using var anonymous = Gateway.CreateAdminClient(keyName: null);
        using var reader = Gateway.CreateAdminClient("reader");
        using var ops = Gateway.CreateAdminClient();

        foreach (var path in new[] { "admin/audit", "admin/audit/export" })
        {
            // Only the status matters here: the body is not read.
            using var none = await anonymous.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
            using var forbidden = await reader.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
            using var allowed = await ops.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }
    }

    [Fact]
    public async Task An_issue_is_audited_with_the_actor_the_callers_ip_the_reason_and_the_code_id()
    {
        var (traceId, traceParent) = AuditHttp.NewTraceParent();
        var reason = $"INC-{Guid.NewGuid():N}";
        var code = await AuditHttp.IssueAsync(Gateway, new { route = "exports", user = "alice", ip = "10.0.0.0/8", reason }, traceParent);
        using var admin = Gateway.CreateAdminClient();

        var issued = await AuditHttp.WaitForEventAsync(admin, "issued", code.Id);

        AuditHttp.AssertContractMembers(issued);
        Assert.Equal("ops", issued.Str("actor"));
        Assert.Equal("127.0.0.1", issued.Str("clientIp"));
        Assert.Equal(reason, issued.Str("reason"));
        Assert.Equal("exports", issued.Str("route"));
        Assert.Equal("alice", issued.Str("user"));
        Assert.Equal(traceId, issued.Str("traceId"));
        Assert.Equal(code.IssuedAt, issued.Time());
    }

    [Fact]
    public async Task An_accepted_presentation_is_audited_with_the_code_id_route_client_ip_and_the_callers_trace_id()
    {
        var code = await Gateway.IssueAsync();
        var (traceId, traceParent) = AuditHttp.NewTraceParent();
        Assert.Equal(HttpStatusCode.OK, await AuditHttp.PresentAsync(Gateway, code.Code, traceParent));
        using var admin = Gateway.CreateAdminClient();

        var accepted = await AuditHttp.WaitForEventAsync(admin, "accepted", code.Id);

        AuditHttp.AssertContractMembers(accepted);
        Assert.Equal("orders-admin", accepted.Str("route"));
        Assert.Equal("127.0.0.1", accepted.Str("clientIp"));
        Assert.Equal(traceId, accepted.Str("traceId"));
        Assert.Null(accepted.Str("reason"));
        Assert.Null(accepted.Str("actor"));
        Assert.Null(accepted.Str("user"));
    }

    [Fact]
    public async Task Without_a_traceparent_an_event_still_carries_a_fresh_W3C_trace_id()
    {
        var code = await Gateway.IssueAsync();
        Assert.Equal(HttpStatusCode.OK, await AuditHttp.PresentAsync(Gateway, code.Code));
        using var admin = Gateway.CreateAdminClient();

        var accepted = await AuditHttp.WaitForEventAsync(admin, "accepted", code.Id);
        var issued = await AuditHttp.WaitForEventAsync(admin, "issued", code.Id);

        Assert.Matches(TraceIdPattern(), accepted.Str("traceId"));
        Assert.Matches(TraceIdPattern(), issued.Str("traceId"));
        Assert.NotEqual(new string('0', 32), accepted.Str("traceId"));
        Assert.NotEqual(issued.Str("traceId"), accepted.Str("traceId"));
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("invalid")]
    [InlineData("used")]
    [InlineData("revoked")]
    [InlineData("route_mismatch")]
    [InlineData("ip_mismatch")]
    [InlineData("user_mismatch")]
    public async Task A_refused_presentation_is_audited_as_rejected_with_its_precise_reason(string reason)
    {
        using var admin = Gateway.CreateAdminClient();
        IssuedCode? code = reason switch
        {
            "missing" or "invalid" => null,
            "route_mismatch" => await Gateway.IssueAsync(route: "exports"),
            "ip_mismatch" => await Gateway.IssueAsync(ip: "203.0.113.7"),
            "user_mismatch" => await Gateway.IssueAsync(user: "alice"),
            _ => await Gateway.IssueAsync(),
        };
        if (reason == "used")
        {
            Assert.Equal(HttpStatusCode.OK, await AuditHttp.PresentAsync(Gateway, code!.Code));
        }

        if (reason == "revoked")
        {
            using var revoked = await admin.DeleteAsync($"admin/codes/{code!.Id}");
            Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        }

        var presented = reason switch
        {
            "missing" => null,
            "invalid" => LatchHttp.RandomCode(),
            _ => code!.Code,
        };
        var (traceId, traceParent) = AuditHttp.NewTraceParent();

        var status = await AuditHttp.PresentAsync(Gateway, presented, traceParent);

        Assert.Equal(reason == "missing" ? HttpStatusCode.Unauthorized : HttpStatusCode.Forbidden, status);
        var rejected = await AuditHttp.WaitForTraceAsync(admin, traceId);
        AuditHttp.AssertContractMembers(rejected);
        Assert.Equal("rejected", rejected.Str("type"));
        Assert.Equal(reason, rejected.Str("reason"));
        Assert.Equal(code?.Id, rejected.Str("codeId"));
        Assert.Equal("orders-admin", rejected.Str("route"));
        Assert.Equal("127.0.0.1", rejected.Str("clientIp"));
        Assert.Null(rejected.Str("actor"));
        Assert.Null(rejected.Str("user"));
    }

    [Fact]
    public async Task An_expired_code_is_audited_as_rejected_expired_while_the_store_still_knows_it()
    {
        // A gateway of its own whose memory sweep cannot run in between: the code must still be known to be expired.
        // On the memory store its clock is advanced past the code's lifetime.
        await using var gateway = await fixture.StartTimedGatewayAsync(new Dictionary<string, string?> { ["Latch:Store:SweepInterval"] = "01:00:00" });
        var code = await gateway.IssueAsync(ttlSeconds: 1);
        using var admin = gateway.CreateAdminClient();
        await gateway.ExpireAsync(code);
        var (traceId, traceParent) = AuditHttp.NewTraceParent();

        Assert.Equal(HttpStatusCode.Forbidden, await AuditHttp.PresentAsync(gateway, code.Code, traceParent));

        // The memory store keeps an expired code until its sweep, so it can say "expired". Redis deletes every key of
        // a code when the code expires (nothing of it lingers), after which it is indistinguishable from an unknown code.
        var (reason, codeId) = fixture is RedisGatewayFixture ? ("invalid", null) : ("expired", code.Id);
        var rejected = await AuditHttp.WaitForTraceAsync(admin, traceId, gateway.Clock);
        Assert.Equal("rejected", rejected.Str("type"));
        Assert.True(rejected.Str("reason") == reason, $"an expired code was audited as {rejected.GetRawText()}");
        Assert.Equal(codeId, rejected.Str("codeId"));
    }

    [Fact]
    public async Task A_revocation_is_audited_with_the_actor_and_the_callers_ip()
    {
        var code = await Gateway.IssueAsync(route: "exports", user: "bob");
        using var admin = Gateway.CreateAdminClient();
        var (traceId, traceParent) = AuditHttp.NewTraceParent();
        using (var request = new HttpRequestMessage(HttpMethod.Delete, $"admin/codes/{code.Id}"))
        {
            request.Headers.TryAddWithoutValidation("traceparent", traceParent);
            using var response = await admin.SendAsync(request);
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }

        var revoked = await AuditHttp.WaitForEventAsync(admin, "revoked", code.Id);

        AuditHttp.AssertContractMembers(revoked);
        Assert.Equal("ops", revoked.Str("actor"));
        Assert.Equal("127.0.0.1", revoked.Str("clientIp"));
        Assert.Equal("exports", revoked.Str("route"));
        Assert.Equal("bob", revoked.Str("user"));
        Assert.Equal(traceId, revoked.Str("traceId"));
    }

    [Fact]
    public async Task Events_are_listed_newest_first_each_with_exactly_the_contract_members()
    {
        var code = await Gateway.IssueAsync();
        Assert.Equal(HttpStatusCode.OK, await AuditHttp.PresentAsync(Gateway, code.Code));
        Assert.Equal(HttpStatusCode.Forbidden, await AuditHttp.PresentAsync(Gateway, code.Code));
        using var admin = Gateway.CreateAdminClient();

        var events = await AuditHttp.WaitForEventsAsync(
            admin, "?limit=1000", e => e.Count(x => x.Str("codeId") == code.Id) == 3, "the issue and both presentations");

        Assert.All(events, AuditHttp.AssertContractMembers);
        Assert.All(events, e => Assert.Contains(e.Str("type"), new[] { "issued", "accepted", "rejected", "revoked", "locked_out" }));
        var times = events.Select(e => e.Time()).ToList();
        Assert.Equal(times.OrderDescending(), times);
        var mine = events.Where(x => x.Str("codeId") == code.Id).Select(x => x.Str("type") + ":" + x.Str("reason")).ToList();
        Assert.Equal(["rejected:used", "accepted:", "issued:"], mine);
    }

    [Fact]
    public async Task The_code_never_appears_in_the_audit_trail_nor_in_its_exports()
    {
        var accepted = await Gateway.IssueAsync();
        var wrongRoute = await Gateway.IssueAsync(route: "exports");
        var revoked = await Gateway.IssueAsync(user: "carol");
        using var admin = Gateway.CreateAdminClient();
        using (var response = await admin.DeleteAsync($"admin/codes/{revoked.Id}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }

        using (var proxy = Gateway.CreateProxyClient())
        {
            // In the header, in the query string, lower-case and without separators: every form the gateway accepts.
            using var first = await proxy.GetWithCodeAsync(LatchHttp.UniquePath(), accepted.Code);
            using var again = await proxy.GetAsync($"{LatchHttp.UniquePath().TrimStart('/')}?latch_code={accepted.Code.ToLowerInvariant()}");
            using var other = await proxy.GetWithCodeAsync(LatchHttp.UniquePath(), LatchHttp.Normalised(wrongRoute.Code));
            using var gone = await proxy.GetAsync($"{LatchHttp.UniquePath().TrimStart('/')}?latch_code={revoked.Code}");
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, again.StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, gone.StatusCode);
        }

        await AuditHttp.WaitForEventsAsync(
            admin,
            "?limit=1000",
            e => e.Count(x => x.Str("codeId") == accepted.Id) == 3
                && e.Count(x => x.Str("codeId") == wrongRoute.Id) == 2
                && e.Count(x => x.Str("codeId") == revoked.Id) == 3,
            "every event of the three codes");

        var texts = new Dictionary<string, string>
        {
            ["/admin/audit"] = await admin.GetStringAsync("admin/audit?limit=1000"),
            ["/admin/audit/export"] = await admin.GetStringAsync("admin/audit/export"),
            ["/admin/audit/export?format=csv"] = await admin.GetStringAsync("admin/audit/export?format=csv"),
        };
        foreach (var (where, text) in texts)
        {
            Assert.Contains(accepted.Id, text, StringComparison.Ordinal);
            foreach (var code in new[] { accepted, wrongRoute, revoked })
            {
                AuditHttp.AssertNoCode(text, code.Code, where);
            }
        }
    }

    [Fact]
    public async Task Filters_by_route_user_type_and_since_return_only_matching_events()
    {
        var user = $"filter-{Guid.NewGuid():N}";
        var earlier = await Gateway.IssueAsync(route: "exports", user: user);
        using var admin = Gateway.CreateAdminClient();
        var earlierEvent = await AuditHttp.WaitForEventAsync(admin, "issued", earlier.Id);
        var later = await Gateway.IssueAsync(route: "exports", user: user);
        var laterEvent = await AuditHttp.WaitForEventAsync(admin, "issued", later.Id);
        using (var response = await admin.DeleteAsync($"admin/codes/{later.Id}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }

        await AuditHttp.WaitForEventAsync(admin, "revoked", later.Id);
        Assert.Equal(HttpStatusCode.Forbidden, await AuditHttp.PresentAsync(Gateway, LatchHttp.RandomCode()));
        Assert.True(earlierEvent.Time() < laterEvent.Time(), "the two issues share a millisecond");

        var byUser = await AuditHttp.GetEventsAsync(admin, $"?user={user}");
        Assert.Equal(
            [$"revoked:{later.Id}", $"issued:{later.Id}", $"issued:{earlier.Id}"],
            byUser.Select(e => $"{e.Str("type")}:{e.Str("codeId")}"));

        var byRoute = await AuditHttp.GetEventsAsync(admin, "?route=exports&limit=1000");
        Assert.NotEmpty(byRoute);
        Assert.All(byRoute, e => Assert.Equal("exports", e.Str("route")));
        Assert.Contains(byRoute, e => e.Str("codeId") == earlier.Id);

        var byType = await AuditHttp.GetEventsAsync(admin, "?type=revoked&limit=1000");
        Assert.All(byType, e => Assert.Equal("revoked", e.Str("type")));
        Assert.Contains(byType, e => e.Str("codeId") == later.Id);

        var since = await AuditHttp.GetEventsAsync(admin, $"?since={AuditHttp.Iso(laterEvent.Time())}&limit=1000");
        Assert.All(since, e => Assert.True(e.Time() >= laterEvent.Time(), $"{e.GetRawText()} is before since"));
        Assert.Contains(since, e => e.Str("codeId") == later.Id && e.Str("type") == "issued");
        Assert.DoesNotContain(since, e => e.Str("codeId") == earlier.Id);

        var combined = await AuditHttp.GetEventsAsync(admin, $"?user={user}&type=issued&route=exports&since={AuditHttp.Iso(laterEvent.Time())}");
        Assert.Equal([later.Id], combined.Select(e => e.Str("codeId")));

        var nobody = await AuditHttp.GetEventsAsync(admin, $"?user=nobody-{Guid.NewGuid():N}");
        Assert.Empty(nobody);
    }

    [Fact]
    public async Task Limit_defaults_to_100_and_returns_the_newest_events()
    {
        using var admin = Gateway.CreateAdminClient();
        var (lastTrace, lastParent) = AuditHttp.NewTraceParent();
        using (var proxy = Gateway.CreateProxyClient())
        {
            for (var i = 0; i < 110; i++)
            {
                using var response = await proxy.GetWithCodeAsync(LatchHttp.UniquePath(), code: null, i == 109 ? [("traceparent", lastParent)] : []);
                Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            }
        }

        await AuditHttp.WaitForTraceAsync(admin, lastTrace);

        var all = await AuditHttp.GetEventsAsync(admin, "?limit=1000");
        var byDefault = await AuditHttp.GetEventsAsync(admin);
        var two = await AuditHttp.GetEventsAsync(admin, "?limit=2");
        var thousand = await AuditHttp.GetEventsAsync(admin, "?limit=1000&type=rejected");

        Assert.True(all.Count >= 110, $"{all.Count} events");
        Assert.Equal(100, byDefault.Count);
        Assert.Equal(all.Take(100).Select(e => e.GetRawText()), byDefault.Select(e => e.GetRawText()));
        Assert.Equal(all.Take(2).Select(e => e.GetRawText()), two.Select(e => e.GetRawText()));
        Assert.Equal(lastTrace, byDefault[0].Str("traceId"));
        Assert.InRange(thousand.Count, 110, 1000);
    }

    [Theory]
    [MemberData(nameof(BadQueries))]
    public async Task A_bad_query_is_a_400_problem_naming_the_field(string query, string field)
    {
        using var admin = Gateway.CreateAdminClient();

        using var response = await admin.GetAsync("admin/audit" + query);

        var problem = await LatchHttp.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.GetRawText());
    }

    [Theory]
    [MemberData(nameof(BadExports))]
    public async Task A_bad_export_is_a_400_problem_naming_the_field(string query, string field)
    {
        using var admin = Gateway.CreateAdminClient();

        using var response = await admin.GetAsync("admin/audit/export" + query);

        var problem = await LatchHttp.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.GetRawText());
    }

    [Fact]
    public async Task Export_streams_json_lines_oldest_first_holding_only_events_from_since_to_until()
    {
        using var admin = Gateway.CreateAdminClient();
        var codes = new List<IssuedCode>();
        var times = new List<DateTimeOffset>();
        for (var i = 0; i < 3; i++)
        {
            var code = await AuditHttp.IssueAsync(Gateway, new { route = "orders-admin", reason = $"export-{i}" });
            codes.Add(code);
            times.Add((await AuditHttp.WaitForEventAsync(admin, "issued", code.Id)).Time());
        }

        Assert.True(times[0] < times[1] && times[1] < times[2], "the issues share a millisecond");

        using var response = await admin.GetAsync($"admin/audit/export?since={AuditHttp.Iso(times[0])}&until={AuditHttp.Iso(times[2])}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var events = lines.Select(line => JsonSerializer.Deserialize<JsonElement>(line)).ToList();
        Assert.All(events, e => Assert.Equal(JsonValueKind.Object, e.ValueKind));
        Assert.All(events, AuditHttp.AssertContractMembers);
        Assert.All(events, e => Assert.InRange(e.Time(), times[0], times[2].AddTicks(-1)));
        var eventTimes = events.Select(e => e.Time()).ToList();
        Assert.Equal(eventTimes.Order(), eventTimes);
        var issued = events.Where(e => e.Str("type") == "issued" && codes.Any(c => c.Id == e.Str("codeId"))).Select(e => e.Str("codeId"));
        Assert.Equal([codes[0].Id, codes[1].Id], issued);

        // Without bounds: everything, still oldest first, the third issue included.
        var all = (await admin.GetStringAsync("admin/audit/export")).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonSerializer.Deserialize<JsonElement>(line)).ToList();
        Assert.Contains(all, e => e.Str("codeId") == codes[2].Id);
        Assert.Equal(all.Select(e => e.Time()).Order(), all.Select(e => e.Time()));
    }

    [Fact]
    public async Task Export_as_csv_has_the_header_one_row_per_event_and_defuses_formulas()
    {
        using var admin = Gateway.CreateAdminClient();
        var formula = await AuditHttp.IssueAsync(Gateway, new { route = "orders-admin", reason = "=HYPERLINK(1)" });
        var formulaWithComma = await AuditHttp.IssueAsync(Gateway, new { route = "orders-admin", reason = "+SUM(A1,A2)" });
        var quoted = await AuditHttp.IssueAsync(Gateway, new { route = "orders-admin", reason = "INC-7, \"urgent\" fix", user = "dave" });
        var first = await AuditHttp.WaitForEventAsync(admin, "issued", formula.Id);
        var last = await AuditHttp.WaitForEventAsync(admin, "issued", quoted.Id);
        var window = $"since={AuditHttp.Iso(first.Time())}&until={AuditHttp.Iso(last.Time().AddMilliseconds(1))}";

        using var response = await admin.GetAsync($"admin/audit/export?format=csv&{window}");
        var listed = await AuditHttp.GetEventsAsync(admin, $"?since={AuditHttp.Iso(first.Time())}&limit=1000");
        var listedOldestFirst = listed.Where(e => e.Time() <= last.Time()).Reverse().ToList();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        var rows = AuditHttp.ParseCsv(text);
        Assert.Equal(AuditHttp.CsvHeader, text.Split('\n')[0].TrimEnd('\r'));
        Assert.Equal(listedOldestFirst.Count + 1, rows.Count);
        Assert.All(rows, row => Assert.Equal(9, row.Count));
        Assert.Equal(listedOldestFirst.Select(e => e.Str("codeId") ?? ""), rows.Skip(1).Select(r => r[2]));
        Assert.Equal(listedOldestFirst.Select(e => e.Str("type")), rows.Skip(1).Select(r => r[1]));

        var byId = rows.Skip(1).ToDictionary(r => r[2] + ":" + r[1]);
        Assert.Equal("'=HYPERLINK(1)", byId[$"{formula.Id}:issued"][6]);
        Assert.Contains(",'=HYPERLINK(1),", text, StringComparison.Ordinal);
        Assert.Equal("'+SUM(A1,A2)", byId[$"{formulaWithComma.Id}:issued"][6]);
        Assert.Contains(",\"'+SUM(A1,A2)\",", text, StringComparison.Ordinal);
        Assert.Equal("INC-7, \"urgent\" fix", byId[$"{quoted.Id}:issued"][6]);
        Assert.Contains(",\"INC-7, \"\"urgent\"\" fix\",", text, StringComparison.Ordinal);
        var row = byId[$"{quoted.Id}:issued"];
        Assert.Equal("issued", row[1]);
        Assert.Equal("orders-admin", row[3]);
        Assert.Equal("dave", row[4]);
        Assert.Equal("127.0.0.1", row[5]);
        Assert.Equal("ops", row[7]);
        Assert.Matches(TraceIdPattern(), row[8]);
        Assert.Equal(last.Time(), DateTimeOffset.Parse(row[0], System.Globalization.CultureInfo.InvariantCulture));

        // No cell of the export starts with a character a spreadsheet would evaluate.
        Assert.All(rows.Skip(1).SelectMany(r => r), cell => Assert.False(cell.Length > 0 && cell[0] is '=' or '+' or '-' or '@', cell));
    }

    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex TraceIdPattern();
}

public sealed class AuditTrailEndToEndTestsOnMemory(MemoryGatewayFixture fixture) : AuditTrailEndToEndTests<MemoryGatewayFixture>(fixture);

public sealed class AuditTrailEndToEndTestsOnRedis(RedisGatewayFixture fixture) : AuditTrailEndToEndTests<RedisGatewayFixture>(fixture);
