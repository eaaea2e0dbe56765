using System.Net;
using LatchGateway.Admin.Json;
using LatchGateway.Contracts;
using LatchGateway.Net;
using Microsoft.AspNetCore.Http;

namespace LatchGateway.Admin.Codes;

/// <summary>
/// Reads and checks the body of <c>POST /admin/codes</c>. Every fault, from a duplicated member to an unlatched
/// route, becomes a field-named validation error: no input reaches the store unchecked, none causes a 500.
/// </summary>
internal sealed class IssueCodeRequestReader(ILatchRouteCatalog routes)
{
    public const int MaxRouteLength = 200;
    public const int MaxUserLength = 256;
    public const int MaxReasonLength = 1024;
    public const int MaxIpLength = 64;
    public const int MaxBodyBytes = 16 * 1024;

    /// <summary>Reads the body strictly (see <see cref="StrictJsonBody"/>); a body over 16 KiB throws 413.</summary>
    public static Task<(IssueCodeRequest? Body, Dictionary<string, string[]>? Errors)> ReadAsync(
        HttpRequest request, CancellationToken cancellationToken) =>
        StrictJsonBody.ReadAsync<IssueCodeRequest>(request, MaxBodyBytes, cancellationToken);

    /// <summary>
    /// Checks every field; on success gives the route's id as the gateway spells it, the parsed network and the TTL.
    /// </summary>
    public Dictionary<string, string[]>? Validate(
        IssueCodeRequest body, TimeSpan defaultTtl, TimeSpan maxTtl, out string routeId, out IPNetwork? network, out TimeSpan ttl, out TimeSpan? session)
    {
        ArgumentNullException.ThrowIfNull(body);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        routeId = "";
        network = null;
        ttl = defaultTtl;
        session = null;
        LatchRouteInfo? latched = null;

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
        else
        {
            routeId = route.Id;
            latched = route;
        }

        if (body.User is not null && (body.User.Length is 0 or > MaxUserLength || PlainText.HasHiddenCharacters(body.User)))
        {
            errors["user"] = [$"A user is 1 to {MaxUserLength} characters, none of them control or invisible formatting characters."];
        }

        if (body.Reason is not null && (body.Reason.Length > MaxReasonLength || PlainText.HasHiddenCharacters(body.Reason)))
        {
            errors["reason"] = [$"A reason is at most {MaxReasonLength} characters, none of them control or invisible formatting characters."];
        }

        if (body.Ip is not null)
        {
            if (body.Ip.Length <= MaxIpLength && StrictIPParser.TryParseAddressOrRange(body.Ip, out var range))
            {
                network = range;
            }
            else
            {
                errors["ip"] = ["Not an IP address or CIDR range (e.g. 203.0.113.7 or 10.0.0.0/8)."];
            }
        }

        if (body.TtlSeconds is { } seconds)
        {
            ttl = TimeSpan.FromSeconds(seconds);
            if (seconds <= 0 || ttl > maxTtl)
            {
                errors["ttlSeconds"] = [$"Must be between 1 and {(int)maxTtl.TotalSeconds} seconds."];
            }
        }

        if (body.SessionSeconds is { } sessionSeconds)
        {
            session = TimeSpan.FromSeconds(sessionSeconds);
            if (latched is { SessionLifetime: null })
            {
                errors["sessionSeconds"] = ["Only a code for a Session route opens a session."];
            }
            else if (latched?.SessionLifetime is { } longest && (sessionSeconds <= 0 || session > longest))
            {
                errors["sessionSeconds"] = [$"Must be between 1 and {(int)longest.TotalSeconds} seconds, the route's SessionLifetime."];
            }
        }

        return errors.Count == 0 ? null : errors;
    }
}
