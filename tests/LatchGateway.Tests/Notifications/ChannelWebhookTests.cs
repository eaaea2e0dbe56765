using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LatchGateway.Notifications;
using LatchGateway.Notifications.Channels;

namespace LatchGateway.Tests.Notifications;

public sealed class ChannelWebhookTests
{
    [Fact]
    public async Task A_webhook_is_a_json_post_whose_standard_webhooks_signature_verifies_with_the_secret()
    {
        await using var services = new ChannelServices();
        await using var receiver = await ChannelReceiver.StartAsync();
        var notification = ChannelSamples.Requested();
        var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        var result = await services.Channel(NotificationChannelType.Webhook).SendAsync(
            "siem", ChannelSamples.Http(NotificationChannelType.Webhook, receiver.Url()), notification, CancellationToken.None);

        Assert.Equal(ChannelOutcome.Sent, result.Outcome);
        var request = Assert.Single(receiver.Requests);
        Assert.Equal("POST", request.Method);
        Assert.StartsWith("application/json", request.Headers["content-type"], StringComparison.Ordinal);
        Assert.Equal(notification.Id, request.Headers["webhook-id"]);
        var timestamp = long.Parse(request.Headers["webhook-timestamp"], CultureInfo.InvariantCulture);
        Assert.InRange(timestamp, before, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        Assert.Equal(ExpectedSignature(ChannelSamples.Secret, request.Headers["webhook-id"], request.Headers["webhook-timestamp"], request.Body), request.Headers["webhook-signature"]);
    }

    [Fact]
    public async Task A_tampered_body_or_another_secret_does_not_verify()
    {
        await using var services = new ChannelServices();
        await using var receiver = await ChannelReceiver.StartAsync();

        await services.Channel(NotificationChannelType.Webhook).SendAsync(
            "siem", ChannelSamples.Http(NotificationChannelType.Webhook, receiver.Url()), ChannelSamples.Requested(), CancellationToken.None);

        var request = Assert.Single(receiver.Requests);
        var tampered = Encoding.UTF8.GetBytes(request.Text.Replace("alice", "mallory", StringComparison.Ordinal));
        Assert.NotEqual(ExpectedSignature(ChannelSamples.Secret, request.Headers["webhook-id"], request.Headers["webhook-timestamp"], tampered), request.Headers["webhook-signature"]);
        var otherSecret = "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
        Assert.NotEqual(ExpectedSignature(otherSecret, request.Headers["webhook-id"], request.Headers["webhook-timestamp"], request.Body), request.Headers["webhook-signature"]);
    }

    [Fact]
    public async Task The_body_is_type_timestamp_and_data_in_camel_case_without_empty_members_or_a_code()
    {
        await using var services = new ChannelServices();
        await using var receiver = await ChannelReceiver.StartAsync();
        var granted = ChannelSamples.Granted(code: ChannelSamples.Code);

        await services.Channel(NotificationChannelType.Webhook).SendAsync(
            "siem", ChannelSamples.Http(NotificationChannelType.Webhook, receiver.Url()), granted, CancellationToken.None);

        using var body = JsonDocument.Parse(Assert.Single(receiver.Requests).Body);
        var root = body.RootElement;
        Assert.Equal(["type", "timestamp", "data"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("access.granted", root.GetProperty("type").GetString());
        Assert.Equal(granted.Time, DateTimeOffset.Parse(root.GetProperty("timestamp").GetString()!, CultureInfo.InvariantCulture));
        var data = root.GetProperty("data");
        Assert.Equal("req_01JABC", data.GetProperty("requestId").GetString());
        Assert.Equal("orders-admin", data.GetProperty("route").GetString());
        Assert.Equal(["bob", "carol"], data.GetProperty("approvedBy").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(2, data.GetProperty("approvalsNeeded").GetInt32());
        Assert.False(data.TryGetProperty("clientIp", out _), "members that do not apply are left out");
        Assert.False(data.TryGetProperty("code", out _), "a channel without CarriesCodes never gets a code");
        Assert.DoesNotContain(ChannelSamples.Code, Assert.Single(receiver.Requests).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_webhook_that_carries_codes_gets_the_delivered_code()
    {
        await using var services = new ChannelServices();
        await using var receiver = await ChannelReceiver.StartAsync();

        await services.Channel(NotificationChannelType.Webhook).SendAsync(
            "delivery", ChannelSamples.Http(NotificationChannelType.Webhook, receiver.Url(), carriesCodes: true), ChannelSamples.Granted(code: ChannelSamples.Code), CancellationToken.None);

        using var body = JsonDocument.Parse(Assert.Single(receiver.Requests).Body);
        Assert.Equal(ChannelSamples.Code, body.RootElement.GetProperty("data").GetProperty("code").GetString());
    }

    [Fact]
    public async Task The_webhook_id_is_the_same_on_quick_retries_and_on_later_attempts_and_each_signature_verifies()
    {
        await using var services = new ChannelServices();
        await using var receiver = await ChannelReceiver.StartAsync((context, n) =>
        {
            context.Response.StatusCode = n == 0 ? 503 : 200;
            return Task.CompletedTask;
        });
        var channel = services.Channel(NotificationChannelType.Webhook);
        var options = ChannelSamples.Http(NotificationChannelType.Webhook, receiver.Url());
        var notification = ChannelSamples.Requested();

        var first = await channel.SendAsync("siem", options, notification, CancellationToken.None);
        var second = await channel.SendAsync("siem", options, notification, CancellationToken.None);

        Assert.Equal(ChannelOutcome.Sent, first.Outcome);
        Assert.Equal(ChannelOutcome.Sent, second.Outcome);
        Assert.Equal(3, receiver.Requests.Count);
        Assert.All(receiver.Requests, r =>
        {
            Assert.Equal(notification.Id, r.Headers["webhook-id"]);
            Assert.Equal(ExpectedSignature(ChannelSamples.Secret, r.Headers["webhook-id"], r.Headers["webhook-timestamp"], r.Body), r.Headers["webhook-signature"]);
        });
    }

    /// <summary>Standard Webhooks, computed here without the package the gateway signs with.</summary>
    private static string ExpectedSignature(string secret, string id, string timestamp, byte[] body)
    {
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        var signed = Encoding.UTF8.GetBytes($"{id}.{timestamp}.").Concat(body).ToArray();
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, signed));
    }
}
