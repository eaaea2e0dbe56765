using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace LatchGateway.Admin.Json;

/// <summary>
/// Walks a JSON document against the contract of the type it is to become, before any of it is deserialized, and
/// names each member that is duplicated (at any depth), unknown, or a contract member spelled in another case.
/// Names are compared after unescaping, so <c>"r\u006fute"</c> is <c>route</c>.
/// </summary>
internal static class StrictJsonScanner
{
    /// <summary>At most this many faults are reported: enough to fix a body, never a response larger than it.</summary>
    public const int MaxFaults = 10;

    private const int MaxPathLength = 64;

    /// <summary>
    /// The faults, keyed by the member's path (<c>route</c>, <c>a.b</c>, <c>a[0].b</c>); empty when there are none.
    /// Malformed JSON throws <see cref="JsonException"/>, as the deserializer would.
    /// </summary>
    public static Dictionary<string, string[]> Scan(ReadOnlySpan<byte> json, JsonTypeInfo contract)
    {
        ArgumentNullException.ThrowIfNull(contract);
        var faults = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = contract.Options.MaxDepth is 0 ? 64 : contract.Options.MaxDepth });
        if (reader.Read())
        {
            ScanValue(ref reader, contract, "", faults);
        }

        return faults;
    }

    private static void ScanValue(ref Utf8JsonReader reader, JsonTypeInfo? contract, string path, Dictionary<string, string[]> faults)
    {
        if (reader.TokenType == JsonTokenType.StartObject)
        {
            ScanObject(ref reader, contract, path, faults);
        }
        else if (reader.TokenType == JsonTokenType.StartArray)
        {
            var element = contract?.Kind == JsonTypeInfoKind.Enumerable ? ContractOf(contract, contract.ElementType) : null;
            for (var index = 0; reader.Read() && reader.TokenType != JsonTokenType.EndArray; index++)
            {
                ScanValue(ref reader, element, $"{path}[{index}]", faults);
            }
        }
    }

    private static void ScanObject(ref Utf8JsonReader reader, JsonTypeInfo? contract, string path, Dictionary<string, string[]> faults)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = NameOf(ref reader);
            var member = path.Length == 0 ? name : $"{path}.{name}";
            JsonTypeInfo? valueContract = null;
            if (!seen.Add(name))
            {
                Add(faults, member, "This member appears more than once; each member may appear only once.");
            }
            else if (contract?.Kind == JsonTypeInfoKind.Dictionary)
            {
                valueContract = ContractOf(contract, contract.ElementType);
            }
            else if (contract?.Kind == JsonTypeInfoKind.Object)
            {
                var property = Find(contract, name, StringComparison.Ordinal);
                if (property is not null)
                {
                    valueContract = ContractOf(contract, property.PropertyType);
                }
                else if (Find(contract, name, StringComparison.OrdinalIgnoreCase) is { } other)
                {
                    Add(faults, member, $"Member names are case-sensitive: this member is spelled '{other.Name}'.");
                }
                else
                {
                    Add(faults, member, "This body has no such member.");
                }
            }

            reader.Read();
            ScanValue(ref reader, valueContract, member, faults);
        }
    }

    private static string NameOf(ref Utf8JsonReader reader)
    {
        try
        {
            return reader.GetString()!;
        }
        catch (InvalidOperationException exception)
        {
            // Invalid UTF-8, or an escaped lone surrogate: not a name any contract has.
            throw new JsonException("A member name is not valid Unicode text.", exception);
        }
    }

    private static JsonPropertyInfo? Find(JsonTypeInfo contract, string name, StringComparison comparison)
    {
        foreach (var property in contract.Properties)
        {
            if (string.Equals(property.Name, name, comparison))
            {
                return property;
            }
        }

        return null;
    }

    private static JsonTypeInfo? ContractOf(JsonTypeInfo parent, Type? type) =>
        type is null ? null : parent.Options.GetTypeInfo(type);

    private static void Add(Dictionary<string, string[]> faults, string member, string message)
    {
        if (faults.Count < MaxFaults)
        {
            faults.TryAdd(member.Length <= MaxPathLength ? member : string.Concat(member.AsSpan(0, MaxPathLength), "…"), [message]);
        }
    }
}
