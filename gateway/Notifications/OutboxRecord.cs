using System.Text.Json;
using System.Text.Json.Serialization;

namespace LatchGateway.Notifications;

/// <summary>
/// An outbox entry as Redis keeps it: the notification without its code, the code sealed (see
/// <see cref="OutboxCodeProtector"/>) when there is one, and the delivery state. Times are ms since the epoch.
/// </summary>
internal sealed record OutboxRecord
{
    public required string Id { get; init; }

    public required string Type { get; init; }

    public required long Time { get; init; }

    /// <summary>What the notification is about, its <see cref="NotificationData.Code"/> always left out.</summary>
    public required NotificationData Data { get; init; }

    /// <summary>The code, sealed for this entry; null when the notification carries none.</summary>
    public string? SealedCode { get; init; }

    public required string[] Channels { get; init; }

    public required int ChannelIndex { get; init; }

    public required int Attempt { get; init; }

    public required long DueAt { get; init; }

    public required long CreatedAt { get; init; }

    /// <summary>Whether the record is a usable entry stored under <paramref name="id"/>.</summary>
    public bool IsEntry(string id) =>
        Id == id && Channels.Length > 0 && ChannelIndex >= 0 && ChannelIndex < Channels.Length && Attempt >= 0;

    public static OutboxRecord From(OutboxEntry entry, string? sealedCode) => new()
    {
        Id = entry.Id,
        Type = entry.Notification.Type,
        Time = entry.Notification.Time.ToUnixTimeMilliseconds(),
        Data = entry.Notification.Data with { Code = null },
        SealedCode = sealedCode,
        Channels = [.. entry.Channels],
        ChannelIndex = entry.ChannelIndex,
        Attempt = entry.Attempt,
        DueAt = entry.DueAt.ToUnixTimeMilliseconds(),
        CreatedAt = entry.CreatedAt.ToUnixTimeMilliseconds(),
    };

    /// <summary>The entry, carrying <paramref name="code"/> (the opened <see cref="SealedCode"/>, or null).</summary>
    public OutboxEntry ToEntry(string? code) => new(
        new Notification(Id, Type, DateTimeOffset.FromUnixTimeMilliseconds(Time), Data with { Code = code }),
        Channels,
        ChannelIndex,
        Attempt,
        DateTimeOffset.FromUnixTimeMilliseconds(DueAt),
        DateTimeOffset.FromUnixTimeMilliseconds(CreatedAt));
}

/// <summary>
/// How an outbox record is written: one compact JSON object, camelCase, absent members left out. Read strictly: a
/// required member missing or null makes the bytes no record.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, RespectNullableAnnotations = true)]
[JsonSerializable(typeof(OutboxRecord))]
internal sealed partial class OutboxJson : JsonSerializerContext
{
    public static byte[] Serialize(OutboxRecord record) => JsonSerializer.SerializeToUtf8Bytes(record, Default.OutboxRecord);

    /// <summary>The record, or null for bytes that are not one (written by another version, or damaged).</summary>
    public static OutboxRecord? TryParse(ReadOnlySpan<byte> json)
    {
        try
        {
            return JsonSerializer.Deserialize(json, Default.OutboxRecord);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
