using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using LatchGateway.Contracts;
using LatchGateway.Tests.Infrastructure;

namespace LatchGateway.Tests.Access;

/// <summary>A person with a JWT the gateway trusts: <c>sub</c>, <c>groups</c> (a JSON array) and <c>email</c>.</summary>
internal sealed record Person(string User, string Token)
{
    /// <summary>A person whose id is <paramref name="name"/> followed by a random suffix, so tests sharing a gateway do not meet.</summary>
    public static Person New(string name, params string[] groups) => Named($"{name}-{Guid.NewGuid():N}"[..(name.Length + 9)], groups);

    /// <summary>A person with exactly this id.</summary>
    public static Person Named(string user, params string[] groups)
    {
        var claims = new Dictionary<string, object> { ["sub"] = user, ["email"] = $"{user}@example.com" };
        if (groups.Length > 0)
        {
            claims["groups"] = groups;
        }

        return new(user, AccessHttp.Mint(claims));
    }
}

/// <summary>Calls of <c>/access/requests</c> as people and API keys make them, and assertions on their answers.</summary>
internal static class AccessHttp
{
    /// <summary>The members of an access request, as the contract lists them.</summary>
    public static readonly string[] RequestMembers =
    [
        "id", "route", "requester", "reason", "ip", "ttlSeconds", "sessionSeconds", "state", "breakGlass", "createdAt",
        "expiresAt", "approvals", "approvalsNeeded", "decidedBy", "decisionReason", "codeId",
    ];

    /// <summary>The members of an issue response (<c>POST /admin/codes</c>).</summary>
    public static readonly string[] IssueMembers = ["id", "code", "route", "user", "ip", "issuedAt", "expiresAt", "issuedBy", "reason"];

    /// <summary>An API key with the <c>access:read</c> scope alone, by its settings and its key in clear.</summary>
    public const string AuditorKey = "auditor-key-0123456789";

    public static Dictionary<string, string?> AuditorSettings() => new()
    {
        ["Latch:Admin:ApiKeys:auditor:Sha256"] = GatewayInstance.Sha256Hex(AuditorKey),
        ["Latch:Admin:ApiKeys:auditor:Scopes:0"] = "access:read",
    };

    /// <summary>A token valid for a day of real time (the bearer handler checks lifetimes on real time), signed with the trusted key.</summary>
    public static string Mint(IDictionary<string, object> claims) => TestJwt.Mint(claims, expires: DateTime.UtcNow.AddDays(1));

    /// <summary>An admin-endpoint client that sends <paramref name="bearer"/>'s token, or <paramref name="apiKey"/>, or nothing.</summary>
    public static HttpClient Client(GatewayInstance gateway, string? bearer = null, string? apiKey = null)
    {
        var client = new HttpClient { BaseAddress = gateway.AdminAddress };
        if (bearer is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        }

        return client;
    }

    public static HttpClient Client(GatewayInstance gateway, Person person) => Client(gateway, person.Token);

    /// <summary>POSTs <paramref name="json"/> (raw text; none when null) to <paramref name="path"/>.</summary>
    public static async Task<HttpResponseMessage> PostAsync(HttpClient client, string path, string? json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        return await client.SendAsync(request);
    }

    public static async Task<HttpResponseMessage> PostAsync(GatewayInstance gateway, Person person, string path, object? body = null)
    {
        using var client = Client(gateway, person);
        return await PostAsync(client, path, body is null ? null : JsonSerializer.Serialize(body, GatewayInstance.Json));
    }

    public static Task<HttpResponseMessage> CreateAsync(GatewayInstance gateway, Person person, object body) =>
        PostAsync(gateway, person, "access/requests", body);

    public static Task<HttpResponseMessage> ApproveAsync(GatewayInstance gateway, Person person, string id, string? reason = null) =>
        PostAsync(gateway, person, $"access/requests/{id}/approve", reason is null ? null : new { reason });

    public static Task<HttpResponseMessage> DenyAsync(GatewayInstance gateway, Person person, string id, string? reason) =>
        PostAsync(gateway, person, $"access/requests/{id}/deny", new { reason });

    public static Task<HttpResponseMessage> CancelAsync(GatewayInstance gateway, Person person, string id) =>
        PostAsync(gateway, person, $"access/requests/{id}/cancel");

    public static Task<HttpResponseMessage> PickUpAsync(GatewayInstance gateway, Person person, string id) =>
        PostAsync(gateway, person, $"access/requests/{id}/code");

    public static async Task<HttpResponseMessage> GetAsync(GatewayInstance gateway, Person person, string pathAndQuery)
    {
        using var client = Client(gateway, person);
        return await client.GetAsync(pathAndQuery);
    }

    /// <summary>Asserts <paramref name="status"/> with a JSON body and returns it.</summary>
    public static async Task<JsonElement> ExpectAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            return JsonSerializer.Deserialize<JsonElement>(body);
        }
    }

    /// <summary>Asserts a problem+json answer with <paramref name="status"/> and the <c>error</c> member <paramref name="error"/>.</summary>
    public static async Task<JsonElement> AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, string error)
    {
        using (response)
        {
            var problem = await LatchHttp.AssertProblemAsync(response, status);
            Assert.True(problem.TryGetProperty("error", out var member), $"no error member: {problem}");
            Assert.Equal(error, member.GetString());
            return problem;
        }
    }

    /// <summary>Asserts a 400 validation problem whose errors name <paramref name="field"/>.</summary>
    public static async Task<JsonElement> AssertInvalidAsync(HttpResponseMessage response, string field)
    {
        using (response)
        {
            var problem = await LatchHttp.AssertProblemAsync(response, HttpStatusCode.BadRequest);
            Assert.True(problem.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object, $"no errors object: {problem}");
            Assert.True(errors.TryGetProperty(field, out _), $"the errors do not name {field}: {problem}");
            return problem;
        }
    }

    /// <summary>Creates a request; asserts 201 and returns it.</summary>
    public static async Task<JsonElement> CreatedAsync(GatewayInstance gateway, Person person, object body) =>
        await ExpectAsync(await CreateAsync(gateway, person, body), HttpStatusCode.Created);

    /// <summary>Approves; asserts 200 and returns the request.</summary>
    public static async Task<JsonElement> ApprovedAsync(GatewayInstance gateway, Person approver, string id, string? reason = null) =>
        await ExpectAsync(await ApproveAsync(gateway, approver, id, reason), HttpStatusCode.OK);

    /// <summary>Picks up the code; asserts 201 and returns the issue response.</summary>
    public static async Task<IssuedCode> PickedUpAsync(GatewayInstance gateway, Person requester, string id)
    {
        var body = await ExpectAsync(await PickUpAsync(gateway, requester, id), HttpStatusCode.Created);
        return body.Deserialize<IssuedCode>(GatewayInstance.Json)!;
    }

    /// <summary>Reads one request as <paramref name="viewer"/>; asserts 200.</summary>
    public static async Task<JsonElement> ReadAsync(GatewayInstance gateway, Person viewer, string id) =>
        await ExpectAsync(await GetAsync(gateway, viewer, $"access/requests/{id}"), HttpStatusCode.OK);

    public static string Id(this JsonElement request) => request.GetProperty("id").GetString()!;

    public static string? State(this JsonElement request) => request.GetProperty("state").ToString();

    /// <summary>The audit events of one access request (and of its code), oldest first, once <paramref name="done"/> holds of them.</summary>
    public static async Task<List<LatchAuditEvent>> WaitForTrailAsync(GatewayInstance gateway, string requestId, Func<List<LatchAuditEvent>, bool> done)
    {
        List<LatchAuditEvent> Of(List<LatchAuditEvent> events) =>
            [.. events.Where(e => e.Reason?.Contains(requestId, StringComparison.Ordinal) == true).Reverse()];

        return Of(await AbuseHttp.WaitForAuditAsync(gateway, events => done(Of(events))));
    }
}
