using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace LatchGateway.Notifications.Channels;

/// <summary>
/// The HTTP client the Webhook, Slack and Teams channels post with, and its resilience pipeline: each attempt gets
/// the channel's <c>Timeout</c> (carried on the request, <see cref="AttemptTimeout"/>), and a transient failure gets
/// at most <see cref="QuickRetries"/> quick retries in process. A receiver asking for a longer pause
/// (<c>Retry-After</c> over <see cref="LongestQuickWait"/>, or a 429 without one) is not retried here: that wait is the
/// dispatcher's durable back-off. One send, quick retries included, lasts at most twice the channel's <c>Timeout</c>.
/// </summary>
internal static class NotificationHttp
{
    public const string ClientName = "LatchGateway.Notifications";
    public const int QuickRetries = 2;

    /// <summary>The longest <c>Retry-After</c> waited for in process.</summary>
    public static readonly TimeSpan LongestQuickWait = TimeSpan.FromSeconds(3);

    /// <summary>The channel's <c>Timeout</c>, set on each request: how long one attempt may take.</summary>
    public static readonly HttpRequestOptionsKey<TimeSpan> AttemptTimeout = new("LatchGateway.Notifications.AttemptTimeout");

    private static readonly TimeSpan DefaultTimeout = new NotificationChannelOptions().Timeout;

    /// <summary>Adds the send timeout, the quick retries and the attempt timeout, outermost first.</summary>
    public static void ConfigurePipeline(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, ResilienceHandlerContext context)
    {
        var timeProvider = context.ServiceProvider.GetRequiredService<TimeProvider>();
        pipeline
            .AddTimeout(new TimeoutStrategyOptions
            {
                Name = "Send",
                TimeoutGenerator = static args => ValueTask.FromResult(TimeoutOf(args.Context) * 2),
            })
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                Name = "QuickRetry",
                MaxRetryAttempts = QuickRetries,
                BackoffType = DelayBackoffType.Exponential,
                Delay = TimeSpan.FromMilliseconds(250),
                UseJitter = true,
                ShouldHandle = args => ValueTask.FromResult(IsQuicklyRetryable(args.Outcome, timeProvider)),
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Result is { } response ? RetryAfter(response, timeProvider) : null),
            })
            .AddTimeout(new TimeoutStrategyOptions
            {
                Name = "Attempt",
                TimeoutGenerator = static args => ValueTask.FromResult(TimeoutOf(args.Context)),
            });
    }

    /// <summary>Whether the status asks for another attempt: 408, 429 and every 5xx.</summary>
    public static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;

    /// <summary>The receiver's <c>Retry-After</c> (seconds, or a date counted from now), if it sent one.</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response, TimeProvider timeProvider)
    {
        var header = response.Headers.RetryAfter;
        var wait = header?.Delta ?? (header?.Date is { } date ? date - timeProvider.GetUtcNow() : null);
        return wait is { } w && w < TimeSpan.Zero ? TimeSpan.Zero : wait;
    }

    /// <summary>
    /// A connection failure, or a transient status whose receiver does not ask for a long pause. An attempt that
    /// timed out is not retried here: the receiver had its whole time already.
    /// </summary>
    private static bool IsQuicklyRetryable(Outcome<HttpResponseMessage> outcome, TimeProvider timeProvider)
    {
        if (outcome.Exception is not null)
        {
            return outcome.Exception is HttpRequestException;
        }

        if (outcome.Result is not { } response || !IsTransient(response.StatusCode))
        {
            return false;
        }

        return RetryAfter(response, timeProvider) is { } wait
            ? wait <= LongestQuickWait
            : response.StatusCode != HttpStatusCode.TooManyRequests;
    }

    private static TimeSpan TimeoutOf(ResilienceContext context) =>
        context.GetRequestMessage()?.Options.TryGetValue(AttemptTimeout, out var timeout) == true && timeout > TimeSpan.Zero
            ? timeout
            : DefaultTimeout;
}
