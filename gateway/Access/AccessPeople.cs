using System.Net;
using System.Security.Claims;
using System.Text.Json;
using LatchGateway.Configuration;
using LatchGateway.Contracts;
using LatchGateway.Identity;

namespace LatchGateway.Access;

/// <summary>
/// Reads a person from a JWT-authenticated principal: the user from <c>Latch:Identity:UserClaim</c>, the groups from
/// <c>GroupsClaim</c> and the e-mail from <c>EmailClaim</c>.
/// </summary>
internal sealed class AccessPeople(LiveOptions<LatchIdentityOptions> options)
{
    private const int MaxGroups = 1000;

    public AccessPerson? Find(ClaimsPrincipal principal, IPAddress? address)
    {
        ArgumentNullException.ThrowIfNull(principal);
        var settings = options.Current;
        if (principal.Identity?.IsAuthenticated != true || ClientIdentity.Usable(principal.FindFirst(settings.UserClaim)?.Value) is not { } user)
        {
            return null;
        }

        var groups = new HashSet<string>(StringComparer.Ordinal);
        foreach (var claim in principal.FindAll(settings.GroupsClaim))
        {
            AddGroups(groups, claim.Value);
        }

        var email = principal.FindFirst(settings.EmailClaim)?.Value;
        return new AccessPerson(user, groups, string.IsNullOrWhiteSpace(email) ? null : email, ClientIdentity.Normalize(address));
    }

    /// <summary>
    /// One claim's groups. A JSON array in the token arrives as one claim per element; some providers send the array
    /// as one string instead, which is read here. Anything else is one group name.
    /// </summary>
    private static void AddGroups(HashSet<string> groups, string value)
    {
        if (value.StartsWith('[') && TryReadArray(value) is { } names)
        {
            foreach (var name in names)
            {
                Add(groups, name);
            }

            return;
        }

        Add(groups, value);
    }

    private static void Add(HashSet<string> groups, string? name)
    {
        if (!string.IsNullOrEmpty(name) && groups.Count < MaxGroups)
        {
            groups.Add(name);
        }
    }

    private static string?[]? TryReadArray(string value)
    {
        try
        {
            return JsonSerializer.Deserialize(value, AccessJson.Default.StringArray);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(string[]))]
internal sealed partial class AccessJson : System.Text.Json.Serialization.JsonSerializerContext;
