using System.Net;
using System.Text;
using LatchGateway.Admin;
using LatchGateway.Admin.Codes;
using LatchGateway.Contracts;
using Microsoft.AspNetCore.Http;

namespace LatchGateway.Tests.Admin;

public sealed class IssueCodeRequestReaderTests
{
    [Fact]
    public void Validate_accepts_a_minimal_request_with_the_default_ttl()
    {
        var errors = Reader.Validate(Request(), DefaultTtl, MaxTtl, out var routeId, out var network, out var ttl, out _);

        Assert.Null(errors);
        Assert.Equal("orders-admin", routeId);
        Assert.Null(network);
        Assert.Equal(DefaultTtl, ttl);
    }

    [Fact]
    public void Validate_accepts_a_full_request()
    {
        var errors = Reader.Validate(
            Request(user: "alice", ip: "10.0.0.0/8", ttlSeconds: 300, reason: "INC-4711"), DefaultTtl, MaxTtl, out _, out var network, out var ttl, out _);

        Assert.Null(errors);
        Assert.Equal(IPNetwork.Parse("10.0.0.0/8"), network);
        Assert.Equal(TimeSpan.FromSeconds(300), ttl);
    }

    [Theory]
    [InlineData(null, "A route id is required.")]
    [InlineData("", "A route id is required.")]
    [InlineData("  ", "A route id is required.")]
    [InlineData("nope", "No route has this id.")]
    [InlineData("plain", "This route is not latched.")]
    public void Validate_requires_a_known_latched_route(string? route, string message)
    {
        var errors = Reader.Validate(Request(route: route), DefaultTtl, MaxTtl, out _, out _, out _, out _);

        Assert.Equal(message, Assert.Single(Assert.Single(errors!, e => e.Key == "route").Value));
    }

    [Fact]
    public void Validate_gives_the_route_id_as_the_catalog_spells_it()
    {
        // YARP looks route ids up case-insensitively; the code must be bound to the id the gateway matches on.
        var errors = Reader.Validate(Request(route: "ORDERS-ADMIN"), DefaultTtl, MaxTtl, out var routeId, out _, out _, out _);

        Assert.Null(errors);
        Assert.Equal("orders-admin", routeId);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(301)]
    [InlineData(int.MaxValue)]
    [InlineData(int.MinValue)]
    public void Validate_names_ttlSeconds_out_of_range(int seconds)
    {
        var errors = Reader.Validate(Request(ttlSeconds: seconds), DefaultTtl, MaxTtl, out _, out _, out _, out _);

        Assert.Equal(["ttlSeconds"], errors!.Keys);
    }

    [Theory]
    [InlineData("user", "")]
    [InlineData("user", "al\nice")]
    [InlineData("ip", "10.0.0.0/33")]
    [InlineData("ip", "10.0.0.1/8")]
    [InlineData("ip", "010.0.0.1")]
    [InlineData("ip", "fe80::1%eth0")]
    [InlineData("ip", " 203.0.113.7")]
    [InlineData("ip", "")]
    [InlineData("reason", "line\u0000break")]
    [InlineData("user", "alice\u202Egnp.exe")]
    [InlineData("user", "al\u200Bice")]
    [InlineData("user", "\u2066alice\u2069")]
    [InlineData("reason", "INC-4711\u202E")]
    [InlineData("reason", "INC\u00074711")]
    [InlineData("reason", "INC-4711\u061C")]
    public void Validate_names_the_bad_field(string field, string value)
    {
        value = System.Text.RegularExpressions.Regex.Unescape(value);
        var request = field switch
        {
            "user" => Request(user: value),
            "ip" => Request(ip: value),
            _ => Request(reason: value),
        };

        var errors = Reader.Validate(request, DefaultTtl, MaxTtl, out _, out _, out _, out _);

        Assert.Equal([field], errors!.Keys);
    }

    [Theory]
    [InlineData("203.0.113.7", "203.0.113.7/32")]
    [InlineData("::ffff:10.1.2.3", "10.1.2.3/32")]
    [InlineData("2001:db8::/32", "2001:db8::/32")]
    public void Validate_reads_the_ip_as_a_range(string ip, string expected)
    {
        var errors = Reader.Validate(Request(ip: ip), DefaultTtl, MaxTtl, out _, out var network, out _, out _);

        Assert.Null(errors);
        Assert.Equal(IPNetwork.Parse(expected), network);
    }

    [Fact]
    public void Validate_refuses_an_overlong_ip_with_the_ip_message()
    {
        var ip = new string('1', IssueCodeRequestReader.MaxIpLength + 1);

        var errors = Reader.Validate(Request(ip: ip), DefaultTtl, MaxTtl, out _, out _, out _, out _);

        Assert.Equal(["Not an IP address or CIDR range (e.g. 203.0.113.7 or 10.0.0.0/8)."], errors!["ip"]);
    }

    [Fact]
    public void Validate_limits_field_lengths()
    {
        var errors = Reader.Validate(
            Request(
                new string('r', IssueCodeRequestReader.MaxRouteLength + 1),
                new string('u', IssueCodeRequestReader.MaxUserLength + 1),
                null,
                null,
                new string('x', IssueCodeRequestReader.MaxReasonLength + 1)),
            DefaultTtl,
            MaxTtl,
            out _,
            out _,
            out _, out _);

        Assert.Equal(["reason", "route", "user"], errors!.Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("""{ "route": "orders-admin", "ttlSeconds": "120" }""", "ttlSeconds")]
    [InlineData("""{ "route": "orders-admin", "ttlSeconds": 1.5 }""", "ttlSeconds")]
    [InlineData("""{ "route": "orders-admin", "ttlSeconds": 99999999999 }""", "ttlSeconds")]
    [InlineData("""{ "route": 7 }""", "route")]
    [InlineData("""{ "route": "orders-admin", "color": "red" }""", "color")]
    [InlineData("""{ "route": "orders-admin" """, "body")]
    [InlineData("""[]""", "body")]
    [InlineData("""null""", "body")]
    [InlineData("", "body")]
    [InlineData("not json", "body")]
    public async Task ReadAsync_turns_malformed_bodies_into_field_errors(string json, string field)
    {
        var (request, errors) = await IssueCodeRequestReader.ReadAsync(Body(json), CancellationToken.None);

        Assert.Null(request);
        Assert.Equal([field], errors!.Keys);
    }

    [Fact]
    public async Task ReadAsync_reads_a_well_formed_body_in_camel_case()
    {
        var (request, errors) = await IssueCodeRequestReader.ReadAsync(
            Body("""{ "route": "orders-admin", "user": "alice", "ip": "203.0.113.7", "ttlSeconds": 120, "reason": "INC-4711" }"""),
            CancellationToken.None);

        Assert.Null(errors);
        Assert.Equal(Request("orders-admin", "alice", "203.0.113.7", 120, "INC-4711"), request);
    }

    private static readonly TimeSpan DefaultTtl = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan MaxTtl = TimeSpan.FromSeconds(300);
    private static readonly IssueCodeRequestReader Reader = new(new Routes());

    private static IssueCodeRequest Request(
        string? route = "orders-admin", string? user = null, string? ip = null, int? ttlSeconds = null, string? reason = null) =>
        new() { Route = route, User = user, Ip = ip, TtlSeconds = ttlSeconds, Reason = reason };

    private static HttpRequest Body(string json)
    {
        var context = new DefaultHttpContext();
        context.Request.ContentType = "application/json";
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(json));
        return context.Request;
    }

    private sealed class Routes : ILatchRouteCatalog
    {
        private static readonly LatchRouteInfo[] All =
        [
            new("orders-admin", true, "/orders/admin/{**rest}"),
            new("plain", false, "/plain/{**rest}"),
        ];

        public IReadOnlyList<LatchRouteInfo> GetRoutes() => All;

        // Like YARP's route table: ids are looked up case-insensitively.
        public LatchRouteInfo? Find(string routeId) => All.FirstOrDefault(r => string.Equals(r.Id, routeId, StringComparison.OrdinalIgnoreCase));
    }
}
