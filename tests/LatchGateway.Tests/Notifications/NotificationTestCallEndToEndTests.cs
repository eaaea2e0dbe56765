using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LatchGateway.Tests.Infrastructure;
using static LatchGateway.Tests.Notifications.NotificationEndToEndInbox;
using static LatchGateway.Tests.Notifications.NotificationEndToEndSettings;

namespace LatchGateway.Tests.Notifications;

/// <summary>
/// <c>POST /admin/notifications/test { "channel" }</c> (scope <c>notifications:test</c>): a test message goes out at
/// once and the answer is the channel's: <c>200</c> when it accepted the message, <c>502</c> problem+json
/// <c>notification_failed</c> when it did not; an unknown channel is a <c>400</c> naming <c>channel</c>, a key
/// without the scope a <c>403</c>.
/// </summary>
public sealed class NotificationTestCallEndToEndTests : IAsyncLifetime
{
    private const string NotifierKey = "notifier-key-0123456789";

    private TestBackend _backend = null!;
    private ChannelReceiver _working = null!;
    private ChannelReceiver _refusing = null!;
    private GatewayInstance _gateway = null!;

    public async Task InitializeAsync()
    {
        _backend = await TestBackend.StartAsync();
        _working = await ChannelReceiver.StartAsync();
        _refusing = await ChannelReceiver.AnsweringAsync(404);
        _gateway = await GatewayInstance.StartAsync(_backend, AbuseHttp.Merge(
            Webhook("siem", _working.Url()),
            Webhook("gone", _refusing.Url()),
            new Dictionary<string, string?>
            {
                ["Latch:Admin:ApiKeys:notifier:Sha256"] = GatewayInstance.Sha256Hex(NotifierKey),
                ["Latch:Admin:ApiKeys:notifier:Scopes:0"] = "notifications:test",
            }));
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _refusing.DisposeAsync();
        await _working.DisposeAsync();
        await _backend.DisposeAsync();
    }

    [Fact]
    public async Task A_working_channel_gets_a_signed_test_message_and_the_answer_is_200_sent()
    {
        using var response = await TestAsync(NotifierKey, new { channel = "siem" });

        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        Assert.Equal(("siem", "sent"), (body.GetProperty("channel").GetString(), body.GetProperty("outcome").GetString()));
        var message = Verify(Assert.Single(_working.Requests));
        Assert.Equal("test", message.Type);
        Assert.Contains("notifier", message["reason"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_channel_that_refuses_is_a_502_notification_failed_saying_what_it_answered()
    {
        using var response = await TestAsync(NotifierKey, new { channel = "gone" });

        var problem = await LatchHttp.AssertProblemAsync(response, HttpStatusCode.BadGateway);
        Assert.Equal(("notification_failed", "gone"), (problem.GetProperty("error").GetString(), problem.GetProperty("channel").GetString()));
        Assert.Contains("HTTP 404", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(_refusing.Url().ToString(), problem.ToString(), StringComparison.Ordinal);
        Assert.Single(_refusing.Requests);
    }

    [Fact]
    public async Task An_unknown_channel_is_a_400_naming_channel()
    {
        using var response = await TestAsync(NotifierKey, new { channel = "pager" });

        var problem = await LatchHttp.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("channel", out _), problem.ToString());
        Assert.Empty(_working.Requests);
    }

    [Fact]
    public async Task A_key_without_the_notifications_test_scope_is_refused_403_and_nothing_is_sent()
    {
        using var response = await TestAsync(GatewayInstance.ApiKeys["ops"].Key, new { channel = "siem" });

        await LatchHttp.AssertProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Empty(_working.Requests);
    }

    private async Task<HttpResponseMessage> TestAsync(string apiKey, object body)
    {
        using var admin = new HttpClient { BaseAddress = _gateway.AdminAddress };
        admin.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        return await admin.PostAsJsonAsync("admin/notifications/test", body);
    }
}
