namespace LatchGateway.Store.Redis;

/// <summary>Keeps the password of a Redis connection string out of every message the gateway writes.</summary>
internal static class RedisSecrets
{
    public const string Masked = "***";

    /// <summary><paramref name="text"/> with every password of <paramref name="connectionString"/> masked.</summary>
    public static string Mask(string text, string? connectionString)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var password in Passwords(connectionString))
        {
            text = text.Replace(password, Masked, StringComparison.Ordinal);
        }

        return text;
    }

    // The connection string is comma-separated options; a password may itself hold '=' (base64) but not ','.
    private static IEnumerable<string> Passwords(string? connectionString) =>
        (connectionString ?? "").Split(',', StringSplitOptions.TrimEntries)
            .Where(static option => option.StartsWith("password=", StringComparison.OrdinalIgnoreCase))
            .Select(static option => option["password=".Length..])
            .Where(static password => password.Length > 0)
            .OrderByDescending(static password => password.Length);
}
