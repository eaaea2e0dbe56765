using System.Net;
using System.Text;
using System.Text.Json;
using LatchGateway.Tests.Infrastructure;

namespace LatchGateway.Tests.EndToEnd;

/// <summary>
/// Strict JSON on the admin API: a duplicated member, a member in another case than the contract's, or a user or
/// reason holding control or bidirectional-formatting characters is a 400 naming the member, and issues nothing.
/// </summary>
public sealed class AdminStrictJsonTests(MemoryGatewayFixture fixture) : IClassFixture<MemoryGatewayFixture>
{
    public static TheoryData<string, string> RefusedBodies => new()
    {
        // Both routes are latched: only the duplicate makes the body wrong, and a lenient reader lets the last one win.
        { """{"route":"exports","route":"orders-admin"}""", "route" },
        { """{"route":"orders-admin","ip":"10.0.0.1","ip":"0.0.0.0/0"}""", "ip" },
        { """{"route":"orders-admin","ttlSeconds":60,"ttlSeconds":300}""", "ttlSeconds" },
        { """{"route":"orders-admin","user":"alice","user":"mallory"}""", "user" },
        { """{"route":"orders-admin","reason":"INC-1","reason":"INC-2"}""", "reason" },
        { """{"route":"orders-admin","\u0069p":"10.0.0.1","ip":"0.0.0.0/0"}""", "ip" },
        { """{"Route":"orders-admin"}""", "Route" },
        { """{"route":"exports","Route":"orders-admin"}""", "Route" },
        { """{"route":"orders-admin","TTLSECONDS":60}""", "TTLSECONDS" },
        { """{"route":"orders-admin","IP":"10.0.0.1"}""", "IP" },
        { """{"route":"orders-admin","user":"alice\u202Etxt.exe"}""", "user" },
        { "{\"route\":\"orders-admin\",\"user\":\"alice\u202Etxt.exe\"}", "user" }, // the character itself, not escaped
        { """{"route":"orders-admin","user":"a\u0000b"}""", "user" },
        { """{"route":"orders-admin","user":"a\u0007b"}""", "user" },
        { """{"route":"orders-admin","user":"\u2066alice\u2069"}""", "user" },
        { """{"route":"orders-admin","user":"al\u200Bice"}""", "user" },
        { """{"route":"orders-admin","reason":"INC-4711\u202E"}""", "reason" },
        { "{\"route\":\"orders-admin\",\"reason\":\"INC-4711\u200F\"}", "reason" },
        { """{"route":"orders-admin","reason":"a\u0000b"}""", "reason" },
        { """{"route":"orders-admin","reason":"a\u0007b"}""", "reason" },
        { """{"route":"orders-admin","reason":"line\u2028break"}""", "reason" },
    };

    [Theory]
    [MemberData(nameof(RefusedBodies))]
    public async Task Refused_body_is_400_naming_the_member_and_issues_nothing(string body, string member)
    {
        using var admin = fixture.Gateway.CreateAdminClient();
        using var content = new StringContent(body, Encoding.UTF8, "application/json");

        using var response = await admin.PostAsync("admin/codes", content);

        var problem = await LatchHttp.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        var named = problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).ToList();
        Assert.True(named.Contains(member, StringComparer.Ordinal), $"errors should name '{member}': {problem}");
        Assert.Equal("[]", await admin.GetStringAsync("admin/codes"));
    }

    [Fact]
    public async Task The_contract_spelling_is_still_issued()
    {
        using var admin = fixture.Gateway.CreateAdminClient();
        using var content = new StringContent(
            """{"route":"orders-admin","user":"Zoë","ip":"10.0.0.0/8","ttlSeconds":60,"reason":"INC-4711 مرحبا"}""", Encoding.UTF8, "application/json");

        using var response = await admin.PostAsync("admin/codes", content);

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        var issued = JsonSerializer.Deserialize<IssuedCode>(body, GatewayInstance.Json)!;
        Assert.Equal(("Zoë", "10.0.0.0/8", "INC-4711 مرحبا"), (issued.User, issued.Ip, issued.Reason));
        using var revoked = await admin.DeleteAsync($"admin/codes/{issued.Id}");
        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
    }
}
