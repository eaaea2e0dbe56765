using LatchGateway.Sessions;
using LatchGateway.Tests.Hosting;
using LatchGateway.Transforms;
using Microsoft.Extensions.DependencyInjection;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Transforms.Builder;

namespace LatchGateway.Tests.Transforms;

public sealed class LatchTransformFactoryTests
{
    private readonly LatchTransformFactory _factory = new(new TestSettings<LatchSessionOptions>(new LatchSessionOptions { MaxLifetime = TimeSpan.FromHours(1) }));

    [Fact]
    public void Does_not_claim_other_transforms()
    {
        var context = NewContext();

        Assert.False(_factory.Validate(context, Values(("PathPrefix", "/api"))));
        Assert.False(_factory.Validate(context, Values(("RequestHeader", "X-Latch"), ("Set", "1"))));
        Assert.Empty(context.Errors);
    }

    [Theory]
    [InlineData("Required")]
    [InlineData("required")]
    [InlineData("REQUIRED")]
    public void Accepts_Required_in_any_case(string value)
    {
        var context = NewContext();

        Assert.True(_factory.Validate(context, Values(("Latch", value))));
        Assert.Empty(context.Errors);
    }

    [Theory]
    [InlineData("Optional")]
    [InlineData("")]
    [InlineData("true")]
    [InlineData("Required ")]
    public void Reports_an_unknown_value_naming_the_route(string value)
    {
        var context = NewContext();

        Assert.True(_factory.Validate(context, Values(("Latch", value))));

        var error = Assert.Single(context.Errors);
        Assert.Contains("'r1'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reports_extra_keys_naming_the_route()
    {
        var context = NewContext();

        Assert.True(_factory.Validate(context, Values(("Latch", "Required"), ("Mode", "Strict"))));

        var error = Assert.Single(context.Errors);
        Assert.Contains("'r1'", error.Message, StringComparison.Ordinal);
        Assert.Contains("Mode", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Session")]
    [InlineData("session")]
    public void Accepts_a_Session_route_with_its_lifetime_and_idle_timeout(string value)
    {
        var context = NewContext();

        Assert.True(_factory.Validate(context, Values(("Latch", value))));
        Assert.True(_factory.Validate(context, Values(("Latch", value), ("SessionLifetime", "00:30:00"), ("sessionidletimeout", "00:05:00"))));
        Assert.Empty(context.Errors);
        var session = LatchTransformFactory.SessionOf("r1", [Values(("Latch", value), ("SessionLifetime", "00:30:00"), ("SessionIdleTimeout", "00:05:00"))], new LatchSessionOptions());
        Assert.Equal(new SessionRoute("r1", TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(5)), session);
    }

    [Theory]
    [InlineData("SessionLifetime", "02:00:00", "MaxLifetime")]
    [InlineData("SessionLifetime", "00:00:00", "SessionLifetime")]
    [InlineData("SessionLifetime", "soon", "SessionLifetime")]
    [InlineData("SessionIdleTimeout", "00:20:00", "SessionIdleTimeout")]
    [InlineData("SessionIdleTimeout", "-00:01:00", "SessionIdleTimeout")]
    [InlineData("Mode", "Strict", "Mode")]
    public void Reports_a_bad_Session_setting_naming_the_route_and_the_key(string key, string value, string named)
    {
        var context = NewContext();
        var entry = key == "SessionLifetime" ? Values(("Latch", "Session"), (key, value)) : Values(("Latch", "Session"), ("SessionLifetime", "00:15:00"), (key, value));

        Assert.True(_factory.Validate(context, entry));

        var error = Assert.Single(context.Errors);
        Assert.Contains("'r1'", error.Message, StringComparison.Ordinal);
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_Required_route_takes_no_session_keys()
    {
        var context = NewContext();

        Assert.True(_factory.Validate(context, Values(("Latch", "Required"), ("SessionLifetime", "00:15:00"))));

        Assert.Contains("SessionLifetime", Assert.Single(context.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IsLatched_is_true_only_with_a_Latch_entry()
    {
        Assert.False(LatchTransformFactory.IsLatched(null));
        Assert.False(LatchTransformFactory.IsLatched([]));
        Assert.False(LatchTransformFactory.IsLatched([Values(("PathPrefix", "/api"))]));
        Assert.True(LatchTransformFactory.IsLatched([Values(("PathPrefix", "/api")), Values(("Latch", "Required"))]));
        Assert.True(LatchTransformFactory.IsLatched([Values(("Latch", "Required"))]));
    }

    [Fact]
    public void IsLatched_follows_the_comparer_of_the_configured_entries()
    {
        // YARP binds transform entries case-insensitively, so "latch" in configuration latches the route too.
        var entry = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["latch"] = "Required" };

        Assert.True(LatchTransformFactory.IsLatched([entry]));
    }

    private static TransformRouteValidationContext NewContext() => new()
    {
        Route = new RouteConfig { RouteId = "r1" },
        Services = new ServiceCollection().BuildServiceProvider(),
    };

    private static Dictionary<string, string> Values(params (string Key, string Value)[] values) =>
        values.ToDictionary(v => v.Key, v => v.Value, StringComparer.OrdinalIgnoreCase);
}
