using System.Text.Json;
using System.Text.Json.Serialization;
using LatchGateway.Admin.Audit;

namespace LatchGateway.Audit;

/// <summary>How an audit event is written at rest: one compact JSON object, camelCase, the contract's members in order.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(LatchAuditEvent))]
internal sealed partial class AuditJson : JsonSerializerContext
{
    public static byte[] Serialize(LatchAuditEvent audit) => JsonSerializer.SerializeToUtf8Bytes(audit, Default.LatchAuditEvent);

    /// <summary>The event in one line of text, or null for a line that is not an event (a torn last line after a crash).</summary>
    public static LatchAuditEvent? TryParse(ReadOnlySpan<byte> line)
    {
        try
        {
            return JsonSerializer.Deserialize(line, Default.LatchAuditEvent);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
