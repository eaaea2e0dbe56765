using System.Net;
using System.Text.Json;
using LatchGateway.Tests.Infrastructure;

namespace LatchGateway.Tests.Admin;

/// <summary>The admin API's OpenAPI document as a client generator reads it from a running gateway, and its operations.</summary>
internal static class OpenApiDocument
{
    public static readonly string[] Methods = ["get", "put", "post", "delete", "patch"];

    /// <summary>The document's text, fetched from <c>/openapi/v1.json</c> without a key, as a generator would.</summary>
    public static async Task<string> FetchAsync(GatewayInstance gateway)
    {
        using var client = new HttpClient { BaseAddress = gateway.AdminAddress };
        using var response = await client.GetAsync("openapi/v1.json");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {text}");
        return text;
    }

    public static async Task<JsonElement> GetAsync(GatewayInstance gateway) =>
        JsonSerializer.Deserialize<JsonElement>(await FetchAsync(gateway));

    /// <summary>Every operation: its path, method and object.</summary>
    public static IEnumerable<(string Path, string Method, JsonElement Operation)> Operations(JsonElement document) =>
        from path in document.GetProperty("paths").EnumerateObject()
        from method in path.Value.EnumerateObject()
        where Methods.Contains(method.Name)
        select (path.Name, method.Name, method.Value);

    public static JsonElement Operation(JsonElement document, string operationId) =>
        Operations(document).Single(o => o.Operation.TryGetProperty("operationId", out var id) && id.GetString() == operationId).Operation;

    public static JsonElement Parameter(JsonElement operation, string name) =>
        operation.GetProperty("parameters").EnumerateArray().Single(p => p.GetProperty("name").GetString() == name);

    public static IEnumerable<(string Status, JsonElement Response)> Responses(JsonElement operation) =>
        operation.GetProperty("responses").EnumerateObject().Select(r => (r.Name, r.Value));

    public static bool HasHeader(JsonElement response, string name) =>
        response.TryGetProperty("headers", out var headers) && headers.EnumerateObject().Any(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase));
}
