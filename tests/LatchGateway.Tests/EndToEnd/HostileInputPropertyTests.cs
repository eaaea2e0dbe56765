using System.Globalization;
using System.Net;
using System.Text;
using CsCheck;
using LatchGateway.Tests.Infrastructure;

namespace LatchGateway.Tests.EndToEnd;

/// <summary>
/// Property-based hostile input (CsCheck): random codes in the header and the query, random admin bodies and
/// random admin query strings. Whatever comes in: never a 5xx, never the presented code echoed back, never a code
/// at the backend.
/// </summary>
public sealed class HostileInputPropertyTests(MemoryGatewayFixture fixture) : IClassFixture<MemoryGatewayFixture>
{
    private const int Iterations = 200;

    private const string Crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZabcdefghjkmnpqrstvwxyzILOilo- ";

    private static readonly Gen<char> AnyChar = Gen.Frequency(
        (4, (IGen<char>)Gen.Char[' ', '~']),
        (1, Gen.Char['\u0000', '\u001f']),
        (1, Gen.Char['\u007f', '\u00ff']),
        (2, Gen.Char['\u0100', '\ud7ff']),
        (1, Gen.Char['\ue000', '\ufffd']),
        (3, Gen.Char[Crockford]));

    /// <summary>Random text: short and mixed, code-like, or very long.</summary>
    private static readonly Gen<string> Text = Gen.Frequency(
        (5, (IGen<string>)AnyChar.Array[0, 40].Select(c => new string(c))),
        (3, Gen.Char[Crockford].Array[8, 80].Select(c => new string(c))),
        (1, Gen.Char[Crockford].Array[65, 3000].Select(c => new string(c))),
        (1, Gen.OneOf("", " ", "-", "%", "%00", "latch_code", "X-Latch-Code", "\u00e9\u00e8", "null", "{}", "ABCDE-12345", "ABCDE%2D12345")));

    private GatewayInstance Gateway => fixture.Gateway;

    [Fact]
    public async Task Random_codes_in_the_header_never_cause_a_5xx_an_echo_or_a_leak()
    {
        using var handler = new SocketsHttpHandler { RequestHeaderEncodingSelector = (_, _) => Encoding.UTF8, MaxConnectionsPerServer = 8 };
        using var proxy = new HttpClient(handler) { BaseAddress = Gateway.ProxyAddress };

        // HttpClient itself refuses CR, LF and NUL in header values.
        var codes = Text.Select(t => new string(t.Where(c => c is not ('\r' or '\n' or '\0')).ToArray()));
        await codes.SampleAsync(
            async code =>
            {
                foreach (var prefix in new[] { "/orders/admin/", "/public/" })
                {
                    var path = LatchHttp.UniquePath(prefix);
                    using var response = await proxy.PresentAsync(path, code);
                    await AssertSafeAsync(response, code, path);
                }
            },
            iter: Iterations,
            threads: 4);
    }

    [Fact]
    public async Task Random_codes_in_the_query_never_cause_a_5xx_an_echo_or_a_leak()
    {
        using var proxy = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 8 }) { BaseAddress = Gateway.ProxyAddress };
        // In layouts 1 and 2 the other parameter is the client's own and is forwarded: it must not hold the code's
        // text, or the check that the code never reaches the backend would see it there.
        var gen = Gen.Select(Text, Text, Gen.Int[0, 3], (code, other, layout) => (Code: code, Other: other, Layout: layout))
            .Where(s => s.Layout is 0 or 3 || s.Code.Trim().Length < 8 || !s.Other.Contains(s.Code.Trim(), StringComparison.Ordinal));

        await gen.SampleAsync(
            async sample =>
            {
                var escaped = Uri.EscapeDataString(sample.Code);
                var other = Uri.EscapeDataString(sample.Other);
                var query = sample.Layout switch
                {
                    0 => $"latch_code={escaped}",
                    1 => $"a={other}&latch_code={escaped}",
                    2 => $"latch_code={escaped}&{other}={other}",
                    _ => $"LATCH_CODE={escaped}&latch%5Fcode={other}",
                };
                foreach (var prefix in new[] { "/orders/admin/", "/public/" })
                {
                    var path = LatchHttp.UniquePath(prefix);
                    using var response = await proxy.GetAsync($"{path.TrimStart('/')}?{query}");
                    await AssertSafeAsync(response, sample.Code, path);
                    if (prefix == "/public/" && response.StatusCode == HttpStatusCode.OK)
                    {
                        var received = Assert.Single(fixture.Backend.ReceivedUnder(path));
                        var forwarded = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(received.Query);
                        Assert.False(forwarded.ContainsKey("latch_code"), $"latch_code reached the backend: {received.Query}");
                    }
                }
            },
            iter: Iterations,
            threads: 4);
    }

    [Fact]
    public async Task Random_admin_bodies_never_cause_a_5xx()
    {
        using var admin = Gateway.CreateAdminClient();
        var gen = Gen.Select(Body, Gen.OneOf("application/json", "text/plain", "application/json; charset=utf-16", ""), (body, type) => (Body: body, Type: type));

        await gen.SampleAsync(
            async sample =>
            {
                using var content = new StringContent(sample.Body, Encoding.UTF8);
                content.Headers.ContentType = sample.Type.Length == 0 ? null : System.Net.Http.Headers.MediaTypeHeaderValue.Parse(sample.Type);
                using var response = await admin.PostAsync("admin/codes", content);
                var text = await response.Content.ReadAsStringAsync();
                Assert.True(
                    response.StatusCode is HttpStatusCode.Created or HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge or HttpStatusCode.UnsupportedMediaType,
                    $"{(int)response.StatusCode} for body {Shorten(sample.Body)}: {Shorten(text)}");
            },
            iter: Iterations,
            threads: 4);
    }

    [Fact]
    public async Task Random_admin_query_strings_and_ids_never_cause_a_5xx()
    {
        var names = Gen.Frequency(
            (3, (IGen<string>)Gen.OneOf("limit", "route", "user", "type", "since", "until", "format", "Limit", "LIMIT")),
            (1, Text.Select(Uri.EscapeDataString)));
        var values = Gen.Frequency(
            (4, (IGen<string>)Text.Select(Uri.EscapeDataString)),
            (2, Gen.OneOf(
                "0", "1", "1000", "1001", "-1", "+5", "1e3", "99999999999999999999", "0x10", "%", "%zz", "%C3%28", "%00", "%FF%FE",
                "issued", "locked_out", "csv", "jsonl", "0001-01-01T00:00:00%2B14:00", "9999-12-31T23:59:59-14:00", "2026-13-45", "now",
                "orders-admin", "Orders-Admin", "..%2F..%2F", "*", "%2A")),
            (1, Gen.Int.Select(i => i.ToString(CultureInfo.InvariantCulture))));
        var pairs = Gen.Select(names, values, Gen.Bool, (n, v, bare) => bare ? n : $"{n}={v}").Array[0, 6];
        var gen = Gen.Select(pairs, Gen.Int[0, 3], Text, (p, target, id) => (Query: string.Join('&', p), Target: target, Id: Uri.EscapeDataString(id)));
        var key = $"X-Api-Key: {GatewayInstance.ApiKeys["ops"].Key}";

        await gen.SampleAsync(
            async sample =>
            {
                var target = sample.Target switch
                {
                    0 => $"/admin/audit?{sample.Query}",
                    1 => $"/admin/audit/export?{sample.Query}",
                    2 => $"/admin/codes?{sample.Query}",
                    _ => $"/admin/codes/{(sample.Id.Length == 0 ? "x" : sample.Id)}?{sample.Query}",
                };
                var response = await RawExchange.SendAsync(Gateway.AdminAddress, RawExchange.Head(Gateway.AdminAddress, "GET", target, key));
                Assert.False(string.IsNullOrEmpty(response), $"no answer to GET {target}");
                var status = RawHttp.StatusOf(response);
                Assert.True(status is 200 or 400 or 404 or 414, $"{status} for GET {target}: {Shorten(response)}");
            },
            iter: Iterations,
            threads: 4);
    }

    /// <summary>Random JSON: objects with random and known member names holding values of random types; sometimes broken.</summary>
    private static readonly Gen<string> Body = Gen.Recursive<string>((depth, body) =>
    {
        var scalar = Gen.Frequency(
            (2, (IGen<string>)Text.Select(s => System.Text.Json.JsonSerializer.Serialize(s))),
            (1, Gen.Int.Select(i => i.ToString(CultureInfo.InvariantCulture))),
            (1, Gen.Double.Where(double.IsFinite).Select(d => d.ToString("R", CultureInfo.InvariantCulture))),
            (1, Gen.OneOf("null", "true", "false", "-0", "1e400", "123456789012345678901234567890", "0.5", "\"orders-admin\"", "\"exports\"", "\"public\"", "\"10.0.0.0/8\"", "\"::ffff:127.0.0.1\"")));
        var name = Gen.Frequency(
            (3, (IGen<string>)Gen.OneOf("route", "user", "ip", "ttlSeconds", "reason", "Route", "TTLSECONDS", "code", "id")),
            (1, Text));
        var value = depth >= 3 ? scalar : Gen.Frequency((4, (IGen<string>)scalar), (1, body));
        var member = Gen.Select(name, value, (n, v) => $"{System.Text.Json.JsonSerializer.Serialize(n)}:{v}");
        var obj = member.Array[0, 6].Select(m => "{" + string.Join(',', m) + "}");
        var array = value.Array[0, 4].Select(v => "[" + string.Join(',', v) + "]");
        var json = Gen.Frequency((6, (IGen<string>)obj), (1, array), (1, scalar));
        return Gen.Frequency(
            (8, (IGen<string>)json),
            (1, Gen.Select(json, Gen.Int[0, 100], (j, cut) => j[..(j.Length * cut / 100)])),
            (1, Text));
    });

    private async Task AssertSafeAsync(HttpResponseMessage response, string code, string path)
    {
        var text = await LatchHttp.DescribeAsync(response);
        Assert.True((int)response.StatusCode < 500, $"{(int)response.StatusCode} for code {Shorten(code)}: {text}");
        if (code.Trim().Length >= 8)
        {
            Assert.DoesNotContain(code.Trim(), text, StringComparison.Ordinal);
        }

        if (path.StartsWith("/orders/admin/", StringComparison.Ordinal))
        {
            Assert.True(
                response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.BadRequest or HttpStatusCode.RequestUriTooLong,
                $"{(int)response.StatusCode} on a latched route for code {Shorten(code)}");
            Assert.Empty(fixture.Backend.ReceivedUnder(path));
            return;
        }

        foreach (var received in fixture.Backend.ReceivedUnder(path))
        {
            Assert.False(received.Headers.ContainsKey("X-Latch-Code"), "X-Latch-Code reached the backend");
            if (code.Trim().Length >= 8)
            {
                Assert.DoesNotContain(received.Headers.Values, v => v.Contains(code.Trim(), StringComparison.Ordinal));
                Assert.DoesNotContain(code.Trim(), received.Query, StringComparison.Ordinal);
                Assert.DoesNotContain(Uri.EscapeDataString(code.Trim()), received.Query, StringComparison.Ordinal);
            }
        }
    }

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + $"… ({text.Length} chars)";
}
