using System.Text;
using System.Text.Json.Serialization.Metadata;
using LatchGateway.Admin.Codes;
using LatchGateway.Admin.Json;
using Microsoft.AspNetCore.Http;

namespace LatchGateway.Tests.Admin;

public sealed class StrictJsonBodyTests
{
    [Theory]
    [InlineData("""{"route":"open","route":"secure"}""", "route")]
    [InlineData("""{"route":"a","ip":"10.0.0.1","ip":"0.0.0.0/0"}""", "ip")]
    [InlineData("""{"route":"a","ttlSeconds":60,"ttlSeconds":300}""", "ttlSeconds")]
    [InlineData("""{"route":"a","user":"alice","user":"bob"}""", "user")]
    [InlineData("""{"route":"a","reason":"x","reason":"y"}""", "reason")]
    [InlineData("""{"route":"a","r\u006fute":"b"}""", "route")] // the same name once unescaped
    public void A_duplicated_member_is_named(string json, string member)
    {
        var errors = Issue(json);

        var message = Assert.Single(errors[member]);
        Assert.Contains("more than once", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"Route":"orders-admin"}""", "Route", "route")]
    [InlineData("""{"route":"a","TTLSECONDS":60}""", "TTLSECONDS", "ttlSeconds")]
    [InlineData("""{"route":"a","IP":"10.0.0.1"}""", "IP", "ip")]
    [InlineData("""{"route":"a","User":"alice"}""", "User", "user")]
    [InlineData("""{"route":"a","ttlseconds":60}""", "ttlseconds", "ttlSeconds")]
    public void A_member_in_another_case_is_named_with_its_contract_spelling(string json, string sent, string contract)
    {
        var errors = Issue(json);

        var message = Assert.Single(Assert.Single(errors, e => e.Key == sent).Value);
        Assert.Contains($"'{contract}'", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_case_variant_beside_the_real_member_is_refused()
    {
        // The attack the rule is for: a lenient reader would let the second spelling win.
        var errors = Issue("""{"route":"public","Route":"orders-admin"}""");

        Assert.Equal(["Route"], errors.Keys);
    }

    [Fact]
    public void An_unknown_member_is_named()
    {
        var errors = Issue("""{"route":"a","colour":"red"}""");

        Assert.Equal(["colour"], errors.Keys);
    }

    [Fact]
    public void Every_fault_is_named_up_to_a_limit()
    {
        Assert.Equal(["Route", "ip", "x"], Issue("""{"Route":"a","ip":"1","ip":"2","x":0}""").Keys.Order(StringComparer.Ordinal));

        var many = "{" + string.Join(',', Enumerable.Range(0, 500).Select(i => $"\"m{i}\":0")) + "}";
        Assert.Equal(StrictJsonScanner.MaxFaults, Issue(many).Count);
    }

    [Fact]
    public void A_long_unknown_name_is_named_by_its_beginning()
    {
        var name = new string('n', 5000);

        var key = Assert.Single(Issue($$"""{"{{name}}":1}""").Keys);

        Assert.True(key.Length < 100, key);
        Assert.StartsWith("nnnn", key, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"inner":{"a":1,"a":2}}""", "inner.a")]
    [InlineData("""{"inner":{"A":1}}""", "inner.A")]
    [InlineData("""{"inner":{"b":1}}""", "inner.b")]
    [InlineData("""{"items":[{"a":1},{"a":1,"a":2}]}""", "items[1].a")]
    [InlineData("""{"items":[{"a":1,"Inner":{}}]}""", "items[0].Inner")]
    [InlineData("""{"map":{"k":1,"k":2}}""", "map.k")]
    [InlineData("""{"inner":{"inner":{"a":1,"a":1}}}""", "inner.inner.a")]
    [InlineData("""{"free":{"x":{"y":1,"y":2}}}""", "free.x.y")] // free-form values: names are anyone's, duplicates are not
    public void Nested_members_are_held_to_the_same_rules(string json, string path)
    {
        var (body, errors) = StrictJsonBody.Parse(Contract<Outer>(), Encoding.UTF8.GetBytes(json));

        Assert.Null(body);
        Assert.Equal([path], errors!.Keys);
    }

    [Fact]
    public void A_well_formed_nested_body_is_read()
    {
        var (body, errors) = StrictJsonBody.Parse(
            Contract<Outer>(),
            """{"inner":{"a":1,"inner":{"a":2}},"items":[{"a":3}],"map":{"k":1,"K":2},"free":{"x":1,"X":2}}"""u8);

        Assert.Null(errors);
        Assert.Equal(2, body!.Inner!.Next!.A);
        Assert.Equal(2, body.Map!["K"]);
    }

    [Theory]
    [InlineData("""{"route":"a","ttlSeconds":"60"}""", "ttlSeconds")]
    [InlineData("""{"route":7}""", "route")]
    [InlineData("""{"route":"a","user":"\ud800"}""", "user")]
    [InlineData("""{"route":"a"} {}""", "body")]
    [InlineData("""{"route":"a",}""", "body")]
    [InlineData("""{"route":"a" /* no */}""", "body")]
    [InlineData("""{"\ud800":1}""", "body")]
    [InlineData("[]", "body")]
    [InlineData("null", "body")]
    [InlineData("", "body")]
    [InlineData("   ", "body")]
    public void Malformed_bodies_are_field_errors(string json, string field)
    {
        Assert.Equal([field], Issue(json).Keys);
    }

    [Fact]
    public void Invalid_UTF8_in_a_member_name_is_a_body_error()
    {
        byte[] json = [.. "{\""u8, 0xFF, 0xFE, .. "\":1}"u8];

        var (body, errors) = StrictJsonBody.Parse(Contract<IssueCodeRequest>(), json);

        Assert.Null(body);
        Assert.Equal(["body"], errors!.Keys);
    }

    [Fact]
    public void Nesting_past_the_depth_limit_is_a_body_error()
    {
        var json = string.Concat(Enumerable.Repeat("{\"inner\":", 100)) + "{}" + new string('}', 100);

        var (body, errors) = StrictJsonBody.Parse(Contract<Outer>(), Encoding.UTF8.GetBytes(json));

        Assert.Null(body);
        Assert.Equal(["body"], errors!.Keys);
    }

    [Fact]
    public async Task A_byte_order_mark_is_ignored()
    {
        var (body, errors) = await StrictJsonBody.ReadAsync<IssueCodeRequest>(Request([0xEF, 0xBB, 0xBF, .. """{"route":"a"}"""u8]), 64, CancellationToken.None);

        Assert.Null(errors);
        Assert.Equal("a", body!.Route);
    }

    [Fact]
    public async Task A_body_of_exactly_the_limit_is_read_and_one_byte_more_is_413()
    {
        var json = """{"route":"abcdefgh"}"""u8.ToArray();

        var (body, _) = await StrictJsonBody.ReadAsync<IssueCodeRequest>(Request(json), json.Length, CancellationToken.None);
        var tooLarge = await Assert.ThrowsAsync<BadHttpRequestException>(
            () => StrictJsonBody.ReadAsync<IssueCodeRequest>(Request(json), json.Length - 1, CancellationToken.None));

        Assert.Equal("abcdefgh", body!.Route);
        Assert.Equal(StatusCodes.Status413PayloadTooLarge, tooLarge.StatusCode);
    }

    [Fact]
    public void The_options_refuse_what_the_scanner_refuses()
    {
        // Defence in depth: the deserializer alone would refuse these too.
        Assert.False(StrictJsonBody.Options.AllowDuplicateProperties);
        Assert.False(StrictJsonBody.Options.PropertyNameCaseInsensitive);
        Assert.Equal(System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow, StrictJsonBody.Options.UnmappedMemberHandling);
    }

    private static Dictionary<string, string[]> Issue(string json)
    {
        var (body, errors) = StrictJsonBody.Parse(Contract<IssueCodeRequest>(), Encoding.UTF8.GetBytes(json));
        Assert.Null(body);
        return errors!;
    }

    private static JsonTypeInfo<T> Contract<T>() => (JsonTypeInfo<T>)StrictJsonBody.Options.GetTypeInfo(typeof(T));

    private static HttpRequest Request(byte[] body)
    {
        var context = new DefaultHttpContext();
        context.Request.Body = new MemoryStream(body);
        return context.Request;
    }

    public sealed record Outer
    {
        public Inner? Inner { get; init; }

        public List<Inner>? Items { get; init; }

        public Dictionary<string, int>? Map { get; init; }

        public System.Text.Json.JsonElement? Free { get; init; }
    }

    public sealed record Inner
    {
        public int A { get; init; }

        [System.Text.Json.Serialization.JsonPropertyName("inner")]
        public Inner? Next { get; init; }
    }
}
