using System.Text.Json;
using LatchGateway.Admin;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace LatchGateway.Tests.Admin;

public sealed class AdminFallbackMiddlewareTests
{
    private static readonly Endpoint[] Endpoints =
    [
        Route("/admin/codes/", ["GET", "POST"]),
        Route("/admin/codes/{id}", ["GET", "DELETE"]),
        Route("/admin/routes", ["GET"]),
        Route("/anything", null),
        Route("/admin/elsewhere", ["GET"], served: false),
    ];

    [Theory]
    [InlineData("/admin/codes", "GET, POST")]
    [InlineData("/admin/codes/", "GET, POST")]
    [InlineData("/admin/codes/abc", "DELETE, GET")]
    [InlineData("/ADMIN/ROUTES", "GET")]
    [InlineData("/admin/nothing", null)]
    [InlineData("/admin/codes/abc/def", null)]
    [InlineData("/anything", null)] // served with every method: the method is not what is wrong
    [InlineData("/admin/elsewhere", null)] // another listener's
    public void Allow_lists_the_methods_a_path_is_served_with_here(string path, string? allow)
    {
        Assert.Equal(allow, Allowed().For(path));
    }

    [Fact]
    public async Task No_endpoint_on_a_served_path_is_405_problem_with_Allow()
    {
        var context = Context("PUT", "/admin/codes");

        await Middleware(_ => throw new InvalidOperationException("not reached")).InvokeAsync(context);

        Assert.Equal("GET, POST", context.Response.Headers.Allow.ToString());
        AssertProblem(context, 405);
    }

    [Fact]
    public async Task No_endpoint_elsewhere_is_404_problem()
    {
        var context = Context("GET", "/admin/nothing");

        await Middleware(_ => throw new InvalidOperationException("not reached")).InvokeAsync(context);

        AssertProblem(context, 404);
    }

    [Fact]
    public async Task A_bad_request_raised_while_reading_is_problem_without_its_message()
    {
        var context = Context("POST", "/admin/codes", matched: true);

        await Middleware(_ => throw new BadHttpRequestException("Unexpected end of request content: secret-ish", 413)).InvokeAsync(context);

        var problem = AssertProblem(context, 413);
        Assert.DoesNotContain("secret", problem.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bare_error_status_gets_a_problem_body_and_keeps_its_headers()
    {
        var context = Context("GET", "/admin/routes", matched: true);

        await Middleware(c =>
        {
            c.Response.StatusCode = 405;
            c.Response.Headers.Allow = "GET";
            return Task.CompletedTask;
        }).InvokeAsync(context);

        AssertProblem(context, 405);
        Assert.Equal("GET", context.Response.Headers.Allow.ToString());
    }

    [Theory]
    [InlineData(200, null)]
    [InlineData(204, null)]
    [InlineData(400, "application/problem+json")]
    [InlineData(404, "text/plain")]
    public async Task An_answer_the_endpoint_gave_is_left_alone(int status, string? contentType)
    {
        var context = Context("GET", "/admin/routes", matched: true);

        await Middleware(c =>
        {
            c.Response.StatusCode = status;
            c.Response.ContentType = contentType;
            return Task.CompletedTask;
        }).InvokeAsync(context);

        Assert.Equal(status, context.Response.StatusCode);
        Assert.Equal(0, context.Response.Body.Length);
    }

    private static AllowedMethods Allowed() =>
        new(new DefaultEndpointDataSource(Endpoints), endpoint => endpoint.Metadata.GetMetadata<Served>() is not null);

    private static AdminFallbackMiddleware Middleware(RequestDelegate next) => new(next, Allowed());

    private static RouteEndpoint Route(string pattern, string[]? methods, bool served = true)
    {
        var builder = new RouteEndpointBuilder(_ => Task.CompletedTask, RoutePatternFactory.Parse(pattern), 0);
        if (methods is not null)
        {
            builder.Metadata.Add(new HttpMethodMetadata(methods));
        }

        if (served)
        {
            builder.Metadata.Add(new Served());
        }

        return (RouteEndpoint)builder.Build();
    }

    private static DefaultHttpContext Context(string method, string path, bool matched = false)
    {
        var services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();
        var context = new DefaultHttpContext { RequestServices = services };
        context.Request.Method = method;
        context.Request.Path = path;
        context.Response.Body = new MemoryStream();
        if (matched)
        {
            context.SetEndpoint(Endpoints[0]);
        }

        return context;
    }

    private static JsonElement AssertProblem(DefaultHttpContext context, int status)
    {
        Assert.Equal(status, context.Response.StatusCode);
        Assert.Equal("application/problem+json", context.Response.ContentType);
        Assert.Equal("no-store", context.Response.Headers.CacheControl.ToString());
        context.Response.Body.Position = 0;
        using var problem = JsonDocument.Parse(context.Response.Body);
        Assert.Equal(status, problem.RootElement.GetProperty("status").GetInt32());
        return problem.RootElement.Clone();
    }

    private sealed record Served;
}
