using System.Diagnostics;
using LatchGateway.Notifications;
using LatchGateway.Notifications.Channels;
using LatchGateway.Tests.Infrastructure;

namespace LatchGateway.Tests.Notifications;

/// <summary>How receivers' answers become outcomes, for every HTTP channel: what the dispatcher retries, when, and what it gives up on.</summary>
public sealed class ChannelHttpOutcomeTests
{
    public static TheoryData<NotificationChannelType> HttpChannels => [NotificationChannelType.Webhook, NotificationChannelType.Slack, NotificationChannelType.Teams];

    [Theory]
    [MemberData(nameof(HttpChannels))]
    public async Task A_2xx_is_sent(NotificationChannelType type)
    {
        await using var services = new ChannelServices();
        await using var receiver = await ChannelReceiver.AnsweringAsync(204);

        var result = await SendAsync(services, type, receiver.Url());

        Assert.Equal(ChannelResult.Sent, result);
        Assert.Single(receiver.Requests);
    }

    [Theory]
    [MemberData(nameof(HttpChannels))]
    public async Task A_500_is_retried_twice_in_process_then_left_to_the_dispatcher(NotificationChannelType type)
    {
        await using var services = new ChannelServices();
        await using var receiver = await ChannelReceiver.AnsweringAsync(500);

        var result = await SendAsync(services, type, receiver.Url());

        Assert.Equal(ChannelOutcome.Retry, result.Outcome);
        Assert.Equal("HTTP 500", result.Detail);
        Assert.Null(result.RetryAfter);
        Assert.Equal(1 + NotificationHttp.QuickRetries, receiver.Requests.Count);
    }

    [Fact]
    public async Task A_408_is_worth_retrying()
    {
        await using var services = new ChannelServices();
        await using var receiver = await ChannelReceiver.AnsweringAsync(408);

        var result = await SendAsync(services, NotificationChannelType.Webhook, receiver.Url());

        Assert.Equal(new ChannelResult(ChannelOutcome.Retry, "HTTP 408"), result);
    }

    [Theory]
    [MemberData(nameof(HttpChannels))]
    public async Task A_429_with_a_long_retry_after_is_not_waited_for_in_process_but_handed_to_the_dispatcher(NotificationChannelType type)
    {
        await using var services = new ChannelServices();
        await using var receiver = await ChannelReceiver.AnsweringAsync(429, ("Retry-After", "120"));
        var started = Stopwatch.GetTimestamp();

        var result = await SendAsync(services, type, receiver.Url());

        Assert.Equal(new ChannelResult(ChannelOutcome.Retry, "HTTP 429, Retry-After 120 s", TimeSpan.FromSeconds(120)), result);
        Assert.Single(receiver.Requests);
        Assert.True(Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task A_503_with_a_retry_after_date_hands_the_wait_to_the_dispatcher()
    {
        await using var services = new ChannelServices();
        var at = DateTimeOffset.UtcNow.AddMinutes(10);
        await using var receiver = await ChannelReceiver.AnsweringAsync(503, ("Retry-After", at.ToString("R")));

        var result = await SendAsync(services, NotificationChannelType.Slack, receiver.Url());

        Assert.Equal(ChannelOutcome.Retry, result.Outcome);
        Assert.InRange(result.RetryAfter!.Value, TimeSpan.FromMinutes(9), TimeSpan.FromMinutes(10));
        Assert.Single(receiver.Requests);
    }

    [Fact]
    public async Task A_429_without_retry_after_is_not_hammered_in_process()
    {
        await using var services = new ChannelServices();
        await using var receiver = await ChannelReceiver.AnsweringAsync(429);

        var result = await SendAsync(services, NotificationChannelType.Teams, receiver.Url());

        Assert.Equal(new ChannelResult(ChannelOutcome.Retry, "HTTP 429"), result);
        Assert.Single(receiver.Requests);
    }

    [Fact]
    public async Task A_short_retry_after_is_honoured_in_process()
    {
        await using var services = new ChannelServices();
        await using var receiver = await ChannelReceiver.StartAsync((context, n) =>
        {
            context.Response.StatusCode = n == 0 ? 429 : 200;
            if (n == 0)
            {
                context.Response.Headers.RetryAfter = "1";
            }

            return Task.CompletedTask;
        });
        var started = Stopwatch.GetTimestamp();

        var result = await SendAsync(services, NotificationChannelType.Webhook, receiver.Url());

        Assert.Equal(ChannelResult.Sent, result);
        Assert.Equal(2, receiver.Requests.Count);
        Assert.True(Stopwatch.GetElapsedTime(started) >= TimeSpan.FromSeconds(0.9), "the receiver's one second was waited for");
    }

    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(403)]
    [InlineData(404)]
    [InlineData(410)]
    public async Task Any_other_4xx_is_final_at_once(int status)
    {
        await using var services = new ChannelServices();
        await using var receiver = await ChannelReceiver.AnsweringAsync(status);

        var result = await SendAsync(services, NotificationChannelType.Slack, receiver.Url());

        Assert.Equal(new ChannelResult(ChannelOutcome.Final, $"HTTP {status}"), result);
        Assert.Single(receiver.Requests);
    }

    [Fact]
    public async Task A_redirect_is_not_followed_and_is_final()
    {
        await using var services = new ChannelServices();
        await using var elsewhere = await ChannelReceiver.StartAsync();
        await using var receiver = await ChannelReceiver.AnsweringAsync(307, ("Location", elsewhere.Url().ToString()));

        var result = await SendAsync(services, NotificationChannelType.Webhook, receiver.Url());

        Assert.Equal(ChannelOutcome.Final, result.Outcome);
        Assert.Empty(elsewhere.Requests);
    }

    [Theory]
    [MemberData(nameof(HttpChannels))]
    public async Task A_receiver_that_hangs_is_a_retry_once_the_channel_timeout_has_passed(NotificationChannelType type)
    {
        await using var services = new ChannelServices();
        await using var receiver = await ChannelReceiver.StartAsync((context, _) => Task.Delay(Timeout.Infinite, context.RequestAborted));
        var started = Stopwatch.GetTimestamp();

        var result = await SendAsync(services, type, receiver.Url(), TimeSpan.FromSeconds(1));

        var elapsed = Stopwatch.GetElapsedTime(started);
        Assert.Equal(new ChannelResult(ChannelOutcome.Retry, "no answer within 1 s"), result);
        Assert.InRange(elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(4));
        Assert.Single(receiver.Requests);
    }

    [Fact]
    public async Task Nothing_listening_is_a_retry()
    {
        await using var services = new ChannelServices();

        var result = await SendAsync(services, NotificationChannelType.Webhook, new Uri($"http://127.0.0.1:{FreePort.Next()}/hook"));

        Assert.Equal(ChannelOutcome.Retry, result.Outcome);
        Assert.StartsWith("connection failed", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_dispatcher_stopping_cancels_the_send_rather_than_reporting_a_failure()
    {
        await using var services = new ChannelServices();
        await using var receiver = await ChannelReceiver.StartAsync((context, _) => Task.Delay(Timeout.Infinite, context.RequestAborted));
        using var stopping = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => services.Channel(NotificationChannelType.Slack).SendAsync(
            "sre-slack", ChannelSamples.Http(NotificationChannelType.Slack, receiver.Url()), ChannelSamples.Requested(), stopping.Token));
    }

    private static Task<ChannelResult> SendAsync(ChannelServices services, NotificationChannelType type, Uri url, TimeSpan? timeout = null) =>
        services.Channel(type).SendAsync("channel", ChannelSamples.Http(type, url, timeout), ChannelSamples.Requested(), CancellationToken.None);
}
