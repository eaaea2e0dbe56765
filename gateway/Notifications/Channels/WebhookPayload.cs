using System.Text.Json;
using System.Text.Json.Serialization;

namespace LatchGateway.Notifications.Channels;

/// <summary>The body of a Webhook message: <c>{ "type", "timestamp", "data" }</c>, <c>timestamp</c> being when the event happened.</summary>
internal sealed record WebhookPayload(string Type, DateTimeOffset Timestamp, NotificationData Data);

/// <summary>Webhook JSON: camelCase, compact, members that do not apply left out.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(WebhookPayload))]
internal sealed partial class WebhookJson : JsonSerializerContext
{
    public static string Serialize(WebhookPayload payload) => JsonSerializer.Serialize(payload, Default.WebhookPayload);
}
