using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using LatchGateway.Tests.Infrastructure;

namespace LatchGateway.Tests.EndToEnd;

/// <summary>
/// Traces: one <c>latch.validate</c> activity per presentation from the <c>LatchGateway</c> source, in the caller's
/// trace, tagged with route and outcome and never with the code; and OTLP export when an endpoint is configured.
/// </summary>
public sealed class TracingTests : IClassFixture<MemoryGatewayFixture>, IDisposable
{
    private readonly MemoryGatewayFixture _fixture;
    private readonly ActivityListener _listener;
    private readonly ConcurrentQueue<Activity> _stopped = new();

    public TracingTests(MemoryGatewayFixture fixture)
    {
        _fixture = fixture;
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "LatchGateway",
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    private GatewayInstance Gateway => _fixture.Gateway;

    public void Dispose() => _listener.Dispose();

    [Fact]
    public async Task An_accepted_presentation_is_a_latch_validate_activity_in_the_callers_trace()
    {
        var code = await Gateway.IssueAsync();
        var (traceId, traceParent) = AuditHttp.NewTraceParent();

        Assert.Equal(HttpStatusCode.OK, await AuditHttp.PresentAsync(Gateway, code.Code, traceParent));

        var activity = await WaitForActivityAsync(traceId);
        Assert.Equal("latch.validate", activity.OperationName);
        Assert.Equal("orders-admin", activity.GetTagItem("latch.route"));
        Assert.Equal("accepted", activity.GetTagItem("latch.outcome"));
        Assert.Equal(code.Id, activity.GetTagItem("latch.code_id"));
        Assert.Equal(ActivityStatusCode.Ok, activity.Status);
        Assert.NotEqual(default, activity.ParentSpanId);
        AssertNoCode(activity, code.Code);
    }

    [Fact]
    public async Task A_refused_presentation_is_tagged_with_its_outcome_and_never_the_code()
    {
        var unknown = LatchHttp.RandomCode();
        var (traceId, traceParent) = AuditHttp.NewTraceParent();

        Assert.Equal(HttpStatusCode.Forbidden, await AuditHttp.PresentAsync(Gateway, unknown, traceParent));

        var activity = await WaitForActivityAsync(traceId);
        Assert.Equal("latch.validate", activity.OperationName);
        Assert.Equal("orders-admin", activity.GetTagItem("latch.route"));
        Assert.Equal("invalid", activity.GetTagItem("latch.outcome"));
        Assert.Null(activity.GetTagItem("latch.code_id"));
        Assert.Equal(ActivityStatusCode.Error, activity.Status);
        AssertNoCode(activity, unknown);
    }

    [Fact]
    public async Task A_code_in_the_query_string_is_not_in_any_tag_either()
    {
        var code = await Gateway.IssueAsync(route: "exports");
        var (traceId, traceParent) = AuditHttp.NewTraceParent();
        using var proxy = Gateway.CreateProxyClient();

        using var response = await proxy.GetWithCodeAsync($"{LatchHttp.UniquePath()}?latch_code={code.Code}", code: null, ("traceparent", traceParent));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var activity = await WaitForActivityAsync(traceId);
        Assert.Equal("route_mismatch", activity.GetTagItem("latch.outcome"));
        AssertNoCode(activity, code.Code);
    }

    [Fact]
    public async Task With_an_OTLP_endpoint_configured_traces_are_exported_over_http_protobuf()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var settings = new Dictionary<string, string?>(GatewayFixture.NoLockout)
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Address.ToString().TrimEnd('/'),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
        };
        await using var gateway = await GatewayInstance.StartAsync(_fixture.Backend, settings);

        var exported = await LatchHttp.EventuallyAsync(
            async () =>
            {
                var code = await gateway.IssueAsync();
                Assert.Equal(HttpStatusCode.OK, await AuditHttp.PresentAsync(gateway, code.Code));
                Assert.Equal(HttpStatusCode.Forbidden, await AuditHttp.PresentAsync(gateway, LatchHttp.RandomCode()));
                return receiver.Posts.Any(p => p.Path == "/v1/traces");
            },
            TimeSpan.FromSeconds(10));

        Assert.True(exported, $"no POST to /v1/traces within 10 s; the receiver got: {string.Join(", ", receiver.Posts.Select(p => p.Path))}");
        Assert.All(
            receiver.Posts.Where(p => p.Path == "/v1/traces"),
            p =>
            {
                Assert.Equal("application/x-protobuf", p.ContentType);
                Assert.True(p.Length > 0, "an empty export");
            });
    }

    private async Task<Activity> WaitForActivityAsync(string traceId)
    {
        var found = await LatchHttp.EventuallyAsync(
            () => Task.FromResult(_stopped.Any(a => a.TraceId.ToHexString() == traceId)), TimeSpan.FromSeconds(5));
        Assert.True(found, $"no LatchGateway activity in trace {traceId}; seen: {string.Join(", ", _stopped.Select(a => $"{a.OperationName}@{a.TraceId}"))}");
        return Assert.Single(_stopped, a => a.TraceId.ToHexString() == traceId);
    }

    private static void AssertNoCode(Activity activity, string code)
    {
        var text = string.Join("\n", activity.TagObjects.Select(t => $"{t.Key}={t.Value}")
            .Concat(activity.Baggage.Select(b => $"{b.Key}={b.Value}"))
            .Append(activity.DisplayName)
            .Append(activity.StatusDescription ?? ""));
        AuditHttp.AssertNoCode(text, code, "the latch.validate activity");
    }
}
