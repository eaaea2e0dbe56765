using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace LatchGateway.Admin.Json;

/// <summary>
/// The one way the admin API reads a JSON body. The body is read whole (up to a limit), checked by
/// <see cref="StrictJsonScanner"/> for duplicated, unknown and wrongly-cased members, then deserialized with options
/// that refuse the same again. Every fault is a field-named validation error; none reaches a handler or causes a 500.
/// </summary>
internal static class StrictJsonBody
{
    /// <summary>Web names (camelCase) matched exactly, numbers as numbers, no duplicates, no unknown members.</summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNameCaseInsensitive = false,
        AllowDuplicateProperties = false,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        NumberHandling = JsonNumberHandling.Strict,
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
    };

    /// <summary>
    /// Reads the body as <typeparamref name="T"/>. A body over <paramref name="maxBytes"/> throws
    /// <see cref="BadHttpRequestException"/> with 413, as Kestrel does when the limit below is in force.
    /// </summary>
    public static async Task<(T? Body, Dictionary<string, string[]>? Errors)> ReadAsync<T>(
        HttpRequest request, int maxBytes, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = maxBytes;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(maxBytes + 1);
        try
        {
            var length = await ReadAllAsync(request.Body, buffer.AsMemory(0, maxBytes + 1), cancellationToken);
            if (length > maxBytes)
            {
                throw new BadHttpRequestException($"The request body is larger than {maxBytes} bytes.", StatusCodes.Status413PayloadTooLarge);
            }

            return Parse((JsonTypeInfo<T>)Options.GetTypeInfo(typeof(T)), WithoutByteOrderMark(buffer.AsSpan(0, length)));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Checks and deserializes a complete body.</summary>
    internal static (T? Body, Dictionary<string, string[]>? Errors) Parse<T>(JsonTypeInfo<T> contract, ReadOnlySpan<byte> json)
        where T : class
    {
        try
        {
            var faults = StrictJsonScanner.Scan(json, contract);
            if (faults.Count > 0)
            {
                return (null, faults);
            }

            var body = JsonSerializer.Deserialize(json, contract);
            return body is null ? (null, Error("body", "A JSON object is required.")) : (body, null);
        }
        catch (JsonException exception)
        {
            var field = FieldOf(exception);
            return (null, Error(field, field == "body" ? "The body is not a valid JSON object." : "The value is not valid JSON of the expected type."));
        }
    }

    private static async Task<int> ReadAllAsync(Stream body, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var length = 0;
        int read;
        while (length < buffer.Length && (read = await body.ReadAsync(buffer[length..], cancellationToken)) > 0)
        {
            length += read;
        }

        return length;
    }

    /// <summary>RFC 8259 lets a parser ignore a UTF-8 byte order mark; the stream deserializer always did.</summary>
    private static ReadOnlySpan<byte> WithoutByteOrderMark(ReadOnlySpan<byte> json) =>
        json.StartsWith("\uFEFF"u8) ? json[3..] : json;

    private static string FieldOf(JsonException exception)
    {
        // "$.ttlSeconds" names the field, "$.a[0].b" a nested one; "$" or no path is the body as a whole.
        var path = exception.Path;
        return path is { Length: > 2 } && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : "body";
    }

    private static Dictionary<string, string[]> Error(string field, string message) =>
        new(StringComparer.Ordinal) { [field] = [message] };
}
