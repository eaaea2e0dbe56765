using LatchGateway.Contracts;

namespace LatchGateway.Access;

/// <summary>
/// The people a policy's <c>Requesters</c> or <c>Approvers</c> list names: <c>user:&lt;id&gt;</c>,
/// <c>group:&lt;name&gt;</c> and <c>*</c> (any authenticated user). Ids and names match exactly (ordinal).
/// </summary>
internal sealed class AccessAudience
{
    public const string Anyone = "*";
    private const string UserPrefix = "user:";
    private const string GroupPrefix = "group:";

    private readonly HashSet<string> _users = new(StringComparer.Ordinal);
    private readonly HashSet<string> _groups = new(StringComparer.Ordinal);
    private bool _anyone;

    private AccessAudience()
    {
    }

    /// <summary>The named users (for a policy check: at least as many approvers as approvals needed).</summary>
    public IReadOnlyCollection<string> Users => _users;

    /// <summary>Whether it names any group or everyone, so that its size is not known from the configuration.</summary>
    public bool IsOpenEnded => _anyone || _groups.Count > 0;

    /// <summary>Reads the entries; false with the first malformed entry when one is not of the three forms.</summary>
    public static bool TryParse(IEnumerable<string>? entries, out AccessAudience audience, out string? malformed)
    {
        audience = new AccessAudience();
        malformed = null;
        foreach (var entry in entries ?? [])
        {
            if (entry == Anyone)
            {
                audience._anyone = true;
            }
            else if (Named(entry, UserPrefix) is { } user)
            {
                audience._users.Add(user);
            }
            else if (Named(entry, GroupPrefix) is { } group)
            {
                audience._groups.Add(group);
            }
            else
            {
                malformed = entry ?? "";
                return false;
            }
        }

        return true;
    }

    /// <summary>Reads entries already validated at start-up (see <see cref="TryParse"/>).</summary>
    public static AccessAudience Parse(IEnumerable<string>? entries) =>
        TryParse(entries, out var audience, out var malformed)
            ? audience
            : throw new InvalidOperationException($"The policy entry '{malformed}' is neither user:<id>, group:<name> nor *.");

    public bool Includes(AccessPerson person)
    {
        ArgumentNullException.ThrowIfNull(person);
        if (_anyone || _users.Contains(person.User))
        {
            return true;
        }

        foreach (var group in person.Groups)
        {
            if (_groups.Contains(group))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The rest of <paramref name="entry"/> after <paramref name="prefix"/>, when that is a usable id: non-empty, no whitespace or control characters at its ends.</summary>
    private static string? Named(string? entry, string prefix)
    {
        if (entry is null || !entry.StartsWith(prefix, StringComparison.Ordinal) || entry.Length == prefix.Length)
        {
            return null;
        }

        var name = entry[prefix.Length..];
        return name.Trim().Length != name.Length || name.Any(char.IsControl) ? null : name;
    }
}
