using System.Text.Json;
using System.Text.Json.Serialization;
using LatchGateway.Admin.Audit;
using LatchGateway.Contracts;

namespace LatchGateway.Audit;

/// <summary>How an audit event is written at rest: one compact JSON object, camelCase, the contract's members in order.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(AuditRecord))]
internal sealed partial class AuditJson : JsonSerializerContext
{
    public static byte[] Serialize(AuditRecord audit) => JsonSerializer.SerializeToUtf8Bytes(audit, Default.AuditRecord);

    /// <summary>The event in one line of text, or null for a line that is not an event (a torn last line after a crash).</summary>
    public static AuditRecord? TryParse(ReadOnlySpan<byte> line)
    {
        try
        {
            return JsonSerializer.Deserialize(line, Default.AuditRecord);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
