using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;

namespace LatchGateway.Admin.Codes;

/// <summary>
/// Reads and checks the body of <c>POST /admin/codes</c>. Every fault, from broken JSON to an unlatched route,
/// becomes a field-named validation error: no input reaches the store unchecked, none causes a 500.
/// </summary>
internal sealed class IssueCodeRequestReader(ILatchRouteCatalog routes)
{
    public const int MaxRouteLength = 200;
    public const int MaxUserLength = 256;
    public const int MaxReasonLength = 1024;
    public const int MaxIpLength = 64;
    public const long MaxBodyBytes = 16 * 1024;

    private static readonly JsonSerializerOptions SerializerOptions = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.Strict,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    public static async Task<(IssueCodeRequest? Request, Dictionary<string, string[]>? Errors)> ReadAsync(
        HttpRequest request, CancellationToken cancellationToken)
    {
        try
        {
            var body = await JsonSerializer.DeserializeAsync<IssueCodeRequest>(request.Body, SerializerOptions, cancellationToken);
            return body is null ? (null, Error("body", "A JSON object is required.")) : (body, null);
        }
        catch (JsonException exception)
        {
            return (null, Error(FieldOf(exception), "The value is not valid JSON of the expected type."));
        }
    }

    public Dictionary<string, string[]>? Validate(IssueCodeRequest body, TimeSpan defaultTtl, TimeSpan maxTtl, out IPNetwork? network, out TimeSpan ttl)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        network = null;
        ttl = defaultTtl;

        if (string.IsNullOrWhiteSpace(body.Route))
        {
            errors["route"] = ["A route id is required."];
        }
        else if (body.Route.Length > MaxRouteLength)
        {
            errors["route"] = [$"At most {MaxRouteLength} characters."];
        }
        else if (routes.Find(body.Route) is not { } route)
        {
            errors["route"] = ["No route has this id."];
        }
        else if (!route.Latch)
        {
            errors["route"] = ["This route is not latched."];
        }

        if (body.User is not null && (body.User.Length is 0 or > MaxUserLength || HasControlCharacters(body.User)))
        {
            errors["user"] = [$"A user is 1 to {MaxUserLength} printable characters."];
        }

        if (body.Reason is not null && (body.Reason.Length > MaxReasonLength || HasControlCharacters(body.Reason)))
        {
            errors["reason"] = [$"A reason is at most {MaxReasonLength} printable characters."];
        }

        if (body.Ip is not null && !TryParseNetwork(body.Ip, out network))
        {
            errors["ip"] = ["Not an IP address or CIDR range (e.g. 203.0.113.7 or 10.0.0.0/8)."];
        }

        if (body.TtlSeconds is { } seconds)
        {
            ttl = TimeSpan.FromSeconds(seconds);
            if (seconds <= 0 || ttl > maxTtl)
            {
                errors["ttlSeconds"] = [$"Must be between 1 and {(int)maxTtl.TotalSeconds} seconds."];
            }
        }

        return errors.Count == 0 ? null : errors;
    }

    /// <summary>An address (a single-host range) or a CIDR range; IPv4-mapped IPv6 reads as IPv4.</summary>
    internal static bool TryParseNetwork(string value, out IPNetwork? network)
    {
        network = null;
        if (value.Length is 0 or > MaxIpLength)
        {
            return false;
        }

        if (value.Contains('/', StringComparison.Ordinal))
        {
            if (!IPNetwork.TryParse(value, out var parsed))
            {
                return false;
            }

            network = parsed;
            return true;
        }

        if (!IPAddress.TryParse(value, out var address) || value.Contains('%', StringComparison.Ordinal))
        {
            return false;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        network = new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
        return true;
    }

    private static string FieldOf(JsonException exception)
    {
        // "$.ttlSeconds" names the field; an unknown member is named in the message only.
        var path = exception.Path;
        if (path is { Length: > 2 } && path.StartsWith("$.", StringComparison.Ordinal))
        {
            return path[2..];
        }

        return "body";
    }

    private static bool HasControlCharacters(string value)
    {
        foreach (var c in value)
        {
            if (char.IsControl(c))
            {
                return true;
            }
        }

        return false;
    }

    private static Dictionary<string, string[]> Error(string field, string message) =>
        new(StringComparer.Ordinal) { [field] = [message] };
}
