using System.Text;
using System.Text.Json;
using LatchGateway.Transforms;
using Microsoft.AspNetCore.Http;

namespace LatchGateway.Tests.Transforms;

public sealed class LatchProblemTests
{
    public static TheoryData<string, int, string> Problems => new()
    {
        { nameof(LatchProblem.Required), 401, "latch_required" },
        { nameof(LatchProblem.Invalid), 403, "latch_invalid" },
        { nameof(LatchProblem.LockedOut), 429, "latch_locked_out" },
        { nameof(LatchProblem.Unavailable), 503, "latch_unavailable" },
        { nameof(LatchProblem.PathRejected), 400, "path_rejected" },
    };

    [Theory]
    [MemberData(nameof(Problems))]
    public async Task Writes_an_uncacheable_problem_json_body_with_the_error_member(string name, int status, string error)
    {
        var response = NewResponse();

        await Get(name).WriteAsync(response);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.ContentType);
        Assert.Equal("no-store", response.Headers.CacheControl.ToString());
        var body = Body(response);
        Assert.Equal(response.ContentLength, Encoding.UTF8.GetByteCount(body));
        using var json = JsonDocument.Parse(body);
        Assert.Equal(error, json.RootElement.GetProperty("error").GetString());
        Assert.Equal(status, json.RootElement.GetProperty("status").GetInt32());
        Assert.Equal(error, Get(name).Error);
    }

    [Fact]
    public async Task Only_the_401_challenges_with_WWW_Authenticate_Latch()
    {
        var required = NewResponse();
        var invalid = NewResponse();

        await LatchProblem.Required.WriteAsync(required);
        await LatchProblem.Invalid.WriteAsync(invalid);

        Assert.Equal("Latch", required.Headers.WWWAuthenticate.ToString());
        Assert.False(invalid.Headers.ContainsKey("WWW-Authenticate"));
    }

    [Fact]
    public async Task Adds_Retry_After_when_given()
    {
        var response = NewResponse();

        await LatchProblem.LockedOut.WriteAsync(response, 300);

        Assert.Equal("300", response.Headers.RetryAfter.ToString());
    }

    private static LatchProblem Get(string name) => name switch
    {
        nameof(LatchProblem.Required) => LatchProblem.Required,
        nameof(LatchProblem.Invalid) => LatchProblem.Invalid,
        nameof(LatchProblem.LockedOut) => LatchProblem.LockedOut,
        nameof(LatchProblem.PathRejected) => LatchProblem.PathRejected,
        _ => LatchProblem.Unavailable,
    };

    private static HttpResponse NewResponse()
    {
        var context = new DefaultHttpContext();
        context.Response.Body = new MemoryStream();
        return context.Response;
    }

    private static string Body(HttpResponse response) => Encoding.UTF8.GetString(((MemoryStream)response.Body).ToArray());
}
