using System.Text.Json;
using System.Text.Json.Serialization;

namespace Latchctl.Api;

/// <summary>
/// The API's shapes, source-generated: camelCase members as the gateway writes them (web defaults); request bodies
/// leave out the members that are null, so the strict reader sees only what the user gave.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(List<RouteInfo>))]
[JsonSerializable(typeof(IssueCodeBody))]
[JsonSerializable(typeof(IssuedCode))]
[JsonSerializable(typeof(CodeInfo))]
[JsonSerializable(typeof(List<CodeInfo>))]
[JsonSerializable(typeof(List<SessionInfo>))]
[JsonSerializable(typeof(List<AuditEvent>))]
[JsonSerializable(typeof(AuditEvent))]
[JsonSerializable(typeof(NewAccessRequestBody))]
[JsonSerializable(typeof(ReviewBody))]
[JsonSerializable(typeof(AccessRequest))]
[JsonSerializable(typeof(List<AccessRequest>))]
[JsonSerializable(typeof(ApiProblem))]
internal sealed partial class LatchJson : JsonSerializerContext
{
    /// <summary>The items of several JSON arrays (the pages of a list) as one array, each item as returned.</summary>
    public static JsonElement Concat(IEnumerable<JsonElement> arrays)
    {
        ArgumentNullException.ThrowIfNull(arrays);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var array in arrays)
            {
                foreach (var item in array.EnumerateArray())
                {
                    item.WriteTo(writer);
                }
            }

            writer.WriteEndArray();
        }

        return JsonSerializer.Deserialize(buffer.WrittenSpan, Default.JsonElement);
    }
}
