using System.Net;
using System.Text.Json.Nodes;
using LatchGateway.Tests.Infrastructure;
using Xunit.Abstractions;
using static LatchGateway.Tests.Access.AccessSettings;

namespace LatchGateway.Tests.Access;

/// <summary>
/// A wrong access policy stops the gateway at start-up with a message naming the key; on reload it is logged,
/// naming the key, and the policies in force stay.
/// </summary>
public sealed class AccessPolicyValidationTests(ITestOutputHelper output)
{
    private const string Key = "Latch:Access:Policies:orders-admin";
    private static readonly TimeSpan ReloadTimeout = TimeSpan.FromSeconds(10);

    public static TheoryData<string> MalformedEntries => ["admin", "user:", "group:", "group: x", "user:alice ", "*x", "", "users:alice", "GROUP:sre"];

    [Fact]
    public async Task A_policy_for_an_unknown_route_fails_start_up_naming_it()
    {
        var messages = await StartFailureAsync(Policy("no-such-route", ["*"], ["group:sre"], 1));

        Assert.Contains("Latch:Access:Policies:no-such-route", messages, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("public")]
    [InlineData("shadow")]
    public async Task A_policy_for_an_unlatched_route_fails_start_up_naming_it(string route)
    {
        var messages = await StartFailureAsync(Policy(route, ["*"], ["group:sre"], 1));

        Assert.Contains($"Latch:Access:Policies:{route}", messages, StringComparison.Ordinal);
        Assert.Contains("not latched", messages, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(null)]
    public async Task Approvals_without_approvers_fail_start_up_naming_Approvers(int? approvals)
    {
        var messages = await StartFailureAsync(Policy("orders-admin", ["*"], null, approvals));

        Assert.Contains($"{Key}:Approvers", messages, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(MalformedEntries))]
    public async Task A_malformed_requester_or_approver_fails_start_up_naming_the_list_and_the_entry(string entry)
    {
        var requesters = await StartFailureAsync(Policy("orders-admin", [entry], ["group:sre"], 1));
        var approvers = await StartFailureAsync(Policy("orders-admin", ["*"], ["group:sre", entry], 1));

        Assert.Contains($"{Key}:Requesters", requesters, StringComparison.Ordinal);
        Assert.Contains($"'{entry}'", requesters, StringComparison.Ordinal);
        Assert.Contains($"{Key}:Approvers", approvers, StringComparison.Ordinal);
        Assert.Contains($"'{entry}'", approvers, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("00:05:01")]
    [InlineData("01:00:00")]
    [InlineData("00:00:00")]
    [InlineData("-00:01:00")]
    public async Task A_MaxTtl_out_of_range_fails_start_up_naming_it(string maxTtl)
    {
        var messages = await StartFailureAsync(Policy("orders-admin", ["*"], ["group:sre"], 1, ("MaxTtl", maxTtl)));

        Assert.Contains($"{Key}:MaxTtl", messages, StringComparison.Ordinal);
        Assert.Contains("Latch:Codes:MaxTtl", messages, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_MaxTtl_up_to_a_raised_Codes_MaxTtl_starts()
    {
        await using var backend = await TestBackend.StartAsync();
        var settings = AbuseHttp.Merge(
            Policy("orders-admin", ["*"], ["group:sre"], 1, ("MaxTtl", "00:10:00")),
            new Dictionary<string, string?> { ["Latch:Codes:MaxTtl"] = "00:10:00" });

        await using var gateway = await GatewayInstance.StartAsync(backend, settings);
    }

    [Theory]
    [InlineData(3, new[] { "user:carol", "user:dan" })]
    [InlineData(2, new[] { "user:carol", "user:carol" })]
    public async Task More_approvals_than_named_approvers_and_no_group_fail_start_up_naming_Approvals(int approvals, string[] approvers)
    {
        var messages = await StartFailureAsync(Policy("orders-admin", ["*"], approvers, approvals));

        Assert.Contains($"{Key}:Approvals", messages, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Approvals", "-1")]
    [InlineData("Approvals", "101")]
    [InlineData("Approvals", "two")]
    [InlineData("PendingTtl", "00:00:00")]
    [InlineData("PendingTtl", "31.00:00:00")]
    [InlineData("PickupWindow", "00:00:00")]
    [InlineData("PickupWindow", "1.00:00:01")]
    [InlineData("BreakGlass", "sometimes")]
    [InlineData("Delivery", "carrier-pigeon")]
    public async Task A_bad_value_fails_start_up_naming_its_key(string name, string value)
    {
        var messages = await StartFailureAsync(AbuseHttp.Merge(
            Policy("orders-admin", ["*"], ["group:sre"], null),
            new Dictionary<string, string?> { [$"{Key}:{name}"] = value }));

        Assert.Contains($"{Key}:{name}", messages, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Requestors")]
    [InlineData("Approver")]
    [InlineData("BreakGlas")]
    public async Task A_misspelt_key_fails_start_up_naming_it(string name)
    {
        var messages = await StartFailureAsync(AbuseHttp.Merge(
            Policy("orders-admin", ["group:engineering"], ["group:sre"], 1),
            new Dictionary<string, string?> { [$"{Key}:{name}:0"] = "group:engineering" }));

        Assert.Contains(Key, messages, StringComparison.Ordinal);
        Assert.Contains($"'{name}'", messages, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_wrong_policy_is_named_at_once()
    {
        var messages = await StartFailureAsync(AbuseHttp.Merge(
            Policy("no-such-route", ["*"], ["group:sre"], 1),
            Policy("exports", ["admin"], ["group:sre"], 1)));

        Assert.Contains("Latch:Access:Policies:no-such-route", messages, StringComparison.Ordinal);
        Assert.Contains("Latch:Access:Policies:exports:Requesters", messages, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_policy_edit_is_rejected_naming_the_key_and_the_policies_in_force_stay()
    {
        using var file = new ReloadableJsonSettings(Policies(requesters: ["group:engineering"]));
        await using var backend = await TestBackend.StartAsync();
        await using var gateway = await GatewayInstance.StartAsync(backend, AbuseHttp.Merge(GatewayFixture.NoLockout, TestJwt.Settings()), configure: file.AddTo);
        var walkIn = Person.New("walk-in");
        Assert.Equal(HttpStatusCode.Created, await CreateAsync(gateway, Engineer()));
        Assert.Equal(HttpStatusCode.Forbidden, await CreateAsync(gateway, walkIn));

        file.Write(Policies(requesters: ["*", "admin"]));
        await WaitForRejectionAsync(gateway, $"{Key}:Requesters", occurrence: 1);
        file.Write(Policies(requesters: ["*"], route: "no-such-route"));
        await WaitForRejectionAsync(gateway, "Latch:Access:Policies:no-such-route", occurrence: 1);
        file.Write(Policies(requesters: ["*"], approvals: "two"));
        await WaitForRejectionAsync(gateway, $"{Key}:Approvals", occurrence: 1);

        Assert.Equal(HttpStatusCode.Created, await CreateAsync(gateway, Engineer()));
        Assert.Equal(HttpStatusCode.Forbidden, await CreateAsync(gateway, walkIn));

        // Still following the file after rejected edits.
        file.Write(Policies(requesters: ["*"]));
        Assert.True(
            await LatchHttp.EventuallyAsync(async () => await CreateAsync(gateway, walkIn) == HttpStatusCode.Created, ReloadTimeout),
            "the valid policy edit never took effect");
    }

    private static JsonObject Policies(string[] requesters, string route = "orders-admin", JsonNode? approvals = null) => new()
    {
        ["Latch"] = new JsonObject
        {
            ["Access"] = new JsonObject
            {
                ["Policies"] = new JsonObject
                {
                    [route] = new JsonObject
                    {
                        ["Requesters"] = new JsonArray([.. requesters.Select(r => (JsonNode)r)]),
                        ["Approvers"] = new JsonArray("group:sre"),
                        ["Approvals"] = approvals ?? 1,
                    },
                },
            },
        },
    };

    private static async Task<HttpStatusCode> CreateAsync(GatewayInstance gateway, Person person)
    {
        using var response = await AccessHttp.CreateAsync(gateway, person, new { route = "orders-admin", reason = "INC-12" });
        return response.StatusCode;
    }

    private static async Task WaitForRejectionAsync(GatewayInstance gateway, string key, int occurrence)
    {
        var logged = await LatchHttp.EventuallyAsync(
            () => Task.FromResult(gateway.Logs.Lines.Count(l => l.Contains("reload rejected", StringComparison.OrdinalIgnoreCase) && l.Contains(key, StringComparison.Ordinal)) >= occurrence),
            ReloadTimeout);
        Assert.True(logged, $"no rejected-reload log line #{occurrence} names {key}:\n" + gateway.Logs.All);
    }

    private Task<string> StartFailureAsync(IReadOnlyDictionary<string, string?> settings) =>
        StartupFailure.MessagesAsync(AbuseHttp.Merge(TestJwt.Settings(), settings), output);
}
