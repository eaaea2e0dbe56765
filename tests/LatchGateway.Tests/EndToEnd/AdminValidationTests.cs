using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using LatchGateway.Tests.Infrastructure;

namespace LatchGateway.Tests.EndToEnd;

/// <summary>Bad issue requests: 400 problem+json naming the field, and never a 5xx whatever the body.</summary>
public abstract class AdminValidationTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : GatewayFixture
{
    /// <summary>Body, and the field the errors must name (null: any field will do, as for broken JSON).</summary>
    public static TheoryData<string, string?> BadBodies => new()
    {
        { """{"route":""", null },
        { """{"route":"orders-admin",}""", null },
        { "not json", null },
        { "[]", null },
        { "null", null },
        { """{"route":"orders-admin","ttlSeconds":"abc"}""", "ttlSeconds" },
        { """{"route":"orders-admin","ttlSeconds":"60"}""", "ttlSeconds" },
        { """{"route":"orders-admin","ttlSeconds":1.5}""", "ttlSeconds" },
        { """{"route":5}""", "route" },
        { """{"route":["orders-admin"]}""", "route" },
        { """{"route":"orders-admin","user":42}""", "user" },
        { "{}", "route" },
        { """{"route":null}""", "route" },
        { """{"route":"  "}""", "route" },
        { """{"route":"no-such-route"}""", "route" },
        { """{"route":"public"}""", "route" },
        { """{"route":"shadow"}""", "route" },
        { """{"route":"orders-admin","ip":"999.1.1.1"}""", "ip" },
        { """{"route":"orders-admin","ip":"10.0.0.1/8"}""", "ip" },
        { """{"route":"orders-admin","ip":"abc"}""", "ip" },
        { """{"route":"orders-admin","ip":""}""", "ip" },
        { """{"route":"orders-admin","ip":"10.0.0.0/33"}""", "ip" },
        { """{"route":"orders-admin","ip":"fe80::1%eth0"}""", "ip" },
        { """{"route":"orders-admin","ttlSeconds":0}""", "ttlSeconds" },
        { """{"route":"orders-admin","ttlSeconds":-5}""", "ttlSeconds" },
        { """{"route":"orders-admin","ttlSeconds":301}""", "ttlSeconds" },
        { """{"route":"orders-admin","ttlSeconds":2147483647}""", "ttlSeconds" },
        { """{"route":"orders-admin","ttlSeconds":99999999999}""", "ttlSeconds" },
        { $$"""{"route":"orders-admin","user":"{{new string('u', 300)}}"}""", "user" },
        { """{"route":"orders-admin","user":""}""", "user" },
        { $$"""{"route":"orders-admin","reason":"{{new string('r', 2000)}}"}""", "reason" },
        { """{"route":"orders-admin","colour":"red"}""", "colour" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Bad_issue_request_is_400_validation_problem_naming_the_field(string body, string? field)
    {
        using var response = await PostAsync(body);

        var problem = await LatchHttp.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object, $"no errors object: {problem}");
        var named = errors.EnumerateObject().Select(e => e.Name).ToList();
        Assert.NotEmpty(named);
        if (field is not null)
        {
            Assert.True(
                named.Contains(field, StringComparer.OrdinalIgnoreCase),
                $"errors should name '{field}' but name [{string.Join(", ", named)}]: {problem}");
        }
    }

    [Fact]
    public async Task Several_bad_fields_are_all_named()
    {
        using var response = await PostAsync("""{"route":"public","ip":"abc","ttlSeconds":0}""");

        var problem = await LatchHttp.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        var named = problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).ToList();
        Assert.Contains("route", named);
        Assert.Contains("ip", named);
        Assert.Contains("ttlSeconds", named);
    }

    [Fact]
    public async Task Rejected_issue_request_issues_nothing()
    {
        var user = $"rejected-{Guid.NewGuid():N}";
        using (var response = await PostAsync($$"""{"route":"orders-admin","user":"{{user}}","ttlSeconds":301}"""))
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }

        using var admin = fixture.Gateway.CreateAdminClient();
        using var list = await admin.GetAsync($"admin/codes?user={user}");

        Assert.Equal("[]", await list.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Body_over_16_KiB_is_refused_without_a_5xx(bool withContentLength)
    {
        var body = Encoding.UTF8.GetBytes($$"""{"route":"orders-admin","reason":"{{new string('r', 20 * 1024)}}"}""");
        HttpContent content = withContentLength
            ? new ByteArrayContent(body)
            : new StreamContent(new NonSeekableStream(body));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var admin = fixture.Gateway.CreateAdminClient();

        using var response = await admin.PostAsync("admin/codes", content);

        Assert.True((int)response.StatusCode is >= 400 and < 500, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    [Fact]
    public async Task Hostile_bodies_never_cause_a_5xx_nor_issue_a_code()
    {
        var hostile = new List<(string Name, byte[] Body, string? ContentType)>();
        void Add(string name, string body, string? contentType = "application/json") =>
            hostile.Add((name, Encoding.UTF8.GetBytes(body), contentType));

        Add("empty", "");
        Add("whitespace", "   \n\t ");
        Add("open brace", "{");
        Add("close brace", "}");
        Add("string", "\"orders-admin\"");
        Add("number", "1");
        Add("true", "true");
        Add("nested object route", """{"route":{"a":1}}""");
        Add("duplicate keys", """{"route":"public","route":"no-such"}""");
        Add("deep nesting", new string('[', 10_000) + new string(']', 10_000));
        Add("deep object", string.Concat(Enumerable.Repeat("{\"a\":", 5000)) + "1" + new string('}', 5000));
        Add("huge number", """{"route":"orders-admin","ttlSeconds":1""" + new string('0', 400) + "}");
        Add("exponent", """{"route":"orders-admin","ttlSeconds":1e400}""");
        Add("NaN", """{"route":"orders-admin","ttlSeconds":NaN}""");
        Add("min int", """{"route":"orders-admin","ttlSeconds":-2147483648}""");
        Add("lone surrogate in user", """{"route":"no-such","user":"\ud800"}""");
        Add("nul in user", """{"route":"no-such","user":"a\u0000b"}""");
        Add("control character in reason", """{"route":"no-such","reason":"a\u0007b"}""");
        Add("long route", $$"""{"route":"{{new string('x', 10_000)}}"}""");
        Add("long ip", $$"""{"route":"no-such","ip":"{{new string('1', 10_000)}}"}""");
        Add("ipv6 zero range", """{"route":"no-such","ip":"::/0"}""");
        Add("comment", """{"route":"no-such" /* hi */}""");
        Add("BOM", "\uFEFF{\"route\":\"no-such\"}");
        Add("text/plain", """{"route":"no-such"}""", "text/plain");
        Add("no content type", """{"route":"no-such"}""", null);
        Add("form", "route=orders-admin", "application/x-www-form-urlencoded");
        Add("xml", "<route>orders-admin</route>", "application/xml");
        Add("charset utf-16", """{"route":"no-such"}""", "application/json; charset=utf-16");
        Add("unknown member with huge value", $$"""{"route":"no-such","x":"{{new string('x', 15_000)}}"}""");
        hostile.Add(("invalid UTF-8", [.. "{\"route\":\""u8, 0xFF, 0xFE, 0xC0, .. "\"}"u8], "application/json"));
        hostile.Add(("UTF-16 bytes", Encoding.Unicode.GetBytes("""{"route":"orders-admin"}"""), "application/json"));
        hostile.Add(("binary zeros", new byte[4096], "application/json"));

        using var admin = fixture.Gateway.CreateAdminClient();
        var failures = new List<string>();
        foreach (var (name, body, contentType) in hostile)
        {
            using var content = new ByteArrayContent(body);
            if (contentType is not null)
            {
                content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            }

            using var response = await admin.PostAsync("admin/codes", content);
            var status = (int)response.StatusCode;
            if (status >= 500 || status == 201)
            {
                failures.Add($"{name}: {status} {await response.Content.ReadAsStringAsync()}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private async Task<HttpResponseMessage> PostAsync(string body)
    {
        using var admin = fixture.Gateway.CreateAdminClient();
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        return await admin.PostAsync("admin/codes", content);
    }

    /// <summary>A stream with no length, so HttpClient sends the body chunked.</summary>
    private sealed class NonSeekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}

public sealed class AdminValidationTestsOnMemory(MemoryGatewayFixture fixture) : AdminValidationTests<MemoryGatewayFixture>(fixture);

public sealed class AdminValidationTestsOnRedis(RedisGatewayFixture fixture) : AdminValidationTests<RedisGatewayFixture>(fixture);
