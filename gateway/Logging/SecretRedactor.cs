using System.Text.RegularExpressions;

namespace LatchGateway.Logging;

/// <summary>Finds and masks latch codes carried in URLs (<c>latch_code=…</c>, plain or percent-encoded).</summary>
internal static partial class SecretRedactor
{
    public const string Mask = "[redacted]";

    public static bool MayContainSecret(string? value) =>
        value is not null && value.Contains("code", StringComparison.OrdinalIgnoreCase) && CodeParameter().IsMatch(value);

    public static string Redact(string value) => CodeParameter().Replace(value, "${name}" + Mask);

    [GeneratedRegex(@"(?<name>latch(?:_|%5f)code(?:=|%3d))[^&\s#""']*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CodeParameter();
}
