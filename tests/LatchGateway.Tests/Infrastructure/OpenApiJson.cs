using System.Text.Json;

namespace LatchGateway.Tests.Infrastructure;

/// <summary>Reading the gateway's OpenAPI document: an operation's answers and parameters, and schemas behind <c>$ref</c>.</summary>
internal static class OpenApiJson
{
    public static IEnumerable<string> Responses(JsonElement operation) =>
        operation.GetProperty("responses").EnumerateObject().Select(r => r.Name);

    public static IEnumerable<string> Parameters(JsonElement operation) =>
        operation.TryGetProperty("parameters", out var parameters) ? parameters.EnumerateArray().Select(p => p.GetProperty("name").GetString()!) : [];

    /// <summary>Follows a <c>$ref</c> to <c>#/components/schemas/…</c>.</summary>
    public static JsonElement Resolve(JsonElement document, JsonElement schema)
    {
        while (schema.TryGetProperty("$ref", out var reference))
        {
            var name = reference.GetString()!["#/components/schemas/".Length..];
            schema = document.GetProperty("components").GetProperty("schemas").GetProperty(name);
        }

        return schema;
    }
}
