using System.Collections.Concurrent;
using System.Diagnostics;
using LatchGateway.Notifications;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace LatchGateway.Tests.Notifications;

/// <summary>
/// The tracer listens to HttpClient process-wide (and makes every outgoing request carry <c>traceparent</c>), so this
/// class runs alone, after the parallel ones.
/// </summary>
[CollectionDefinition(nameof(ChannelTracingGroup), DisableParallelization = true)]
public sealed class ChannelTracingGroup;

[Collection(nameof(ChannelTracingGroup))]
public sealed class ChannelTracingTests
{
    private const string PathSecret = "TrAcEdPathSecret";

    [Fact]
    public async Task A_channel_post_leaves_no_span_holding_its_url_where_an_ordinary_request_does()
    {
        var spans = new ConcurrentQueue<Activity>();
        using var tracing = Sdk.CreateTracerProviderBuilder()
            .AddSource("System.Net.Http")
            .SetSampler(new AlwaysOnSampler())
            .AddProcessor(new Capture(spans))
            .Build();
        await using var services = new ChannelServices();
        await using var receiver = await ChannelReceiver.StartAsync();
        var url = receiver.Url($"/services/T0/{PathSecret}");

        await services.Channel(NotificationChannelType.Slack).SendAsync(
            "sre-slack", ChannelSamples.Http(NotificationChannelType.Slack, url), ChannelSamples.Requested(), CancellationToken.None);
        Assert.DoesNotContain(spans, s => s.TagObjects.Any(t => t.Value?.ToString()?.Contains(PathSecret, StringComparison.Ordinal) == true));

        // The same tracer does record an ordinary request to that URL: the absence above is the channel's doing.
        using var plain = new HttpClient();
        using var response = await plain.PostAsync(url, new StringContent("{}"));
        Assert.Contains(spans, s => s.TagObjects.Any(t => t.Value?.ToString()?.Contains(PathSecret, StringComparison.Ordinal) == true));
        Assert.Equal(2, receiver.Requests.Count);
    }

    private sealed class Capture(ConcurrentQueue<Activity> spans) : BaseProcessor<Activity>
    {
        public override void OnEnd(Activity data) => spans.Enqueue(data);
    }
}
