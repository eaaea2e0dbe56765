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
internal sealed partial class LatchJson : JsonSerializerContext;
