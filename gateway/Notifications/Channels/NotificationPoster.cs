using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using OpenTelemetry;
using Polly.Timeout;

namespace LatchGateway.Notifications.Channels;

/// <summary>
/// Posts one channel message and says what came of it: 2xx <c>Sent</c>; 408, 429, 5xx, a timeout or a connection
/// failure <c>Retry</c> (with the receiver's <c>Retry-After</c> on a 429 or 503); any other status <c>Final</c>
/// (redirects are not followed). Details name the status or the failure, never the URL, which for Slack and Teams
/// is itself the secret; the request is kept out of traces for the same reason.
/// </summary>
internal sealed class NotificationPoster(IHttpClientFactory clients, TimeProvider timeProvider, ILogger<NotificationPoster> logger)
{
    /// <summary>
    /// One <c>POST</c> of the JSON <paramref name="body"/> to the channel's <c>Url</c> (quick retries included) on behalf
    /// of channel <paramref name="name"/>; <paramref name="headers"/>, when given, adds headers (a signature).
    /// </summary>
    public async Task<ChannelResult> PostJsonAsync(
        string name,
        NotificationChannelOptions channel,
        Notification notification,
        string body,
        Action<HttpRequestHeaders>? headers,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(notification);
        if (channel.Url is null)
        {
            return new ChannelResult(ChannelOutcome.Final, "the channel has no Url");
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, channel.Url);
        request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        headers?.Invoke(request.Headers);
        request.Options.Set(NotificationHttp.AttemptTimeout, channel.Timeout);
        return ChannelLog.Attempted(logger, name, notification, await SendAsync(channel, request, cancellationToken).ConfigureAwait(false));
    }

    private async Task<ChannelResult> SendAsync(NotificationChannelOptions channel, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var client = clients.CreateClient(NotificationHttp.ClientName);
        try
        {
            // HttpClient's span would carry the full URL: a Slack or Teams URL is the channel's secret.
            using var untraced = SuppressInstrumentationScope.Begin();
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            return Classify(response);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (e is TimeoutRejectedException or OperationCanceledException)
        {
            return new ChannelResult(ChannelOutcome.Retry, $"no answer within {Seconds(channel.Timeout)}");
        }
        catch (HttpRequestException e)
        {
            return new ChannelResult(ChannelOutcome.Retry, $"connection failed ({e.HttpRequestError})");
        }
    }

    private ChannelResult Classify(HttpResponseMessage response)
    {
        var status = (int)response.StatusCode;
        if (response.IsSuccessStatusCode)
        {
            return ChannelResult.Sent;
        }

        if (NotificationHttp.IsTransient(response.StatusCode))
        {
            var retryAfter = response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable
                ? NotificationHttp.RetryAfter(response, timeProvider)
                : null;
            var detail = retryAfter is { } wait ? $"HTTP {status}, Retry-After {Seconds(wait)}" : $"HTTP {status}";
            return new ChannelResult(ChannelOutcome.Retry, detail, retryAfter);
        }

        return status is >= 300 and < 400
            ? new ChannelResult(ChannelOutcome.Final, $"HTTP {status}: redirects are not followed")
            : new ChannelResult(ChannelOutcome.Final, $"HTTP {status}");
    }

    private static string Seconds(TimeSpan time) => string.Create(CultureInfo.InvariantCulture, $"{time.TotalSeconds:0.###} s");
}
