namespace LatchGateway.Admin;

/// <summary>Settings under <c>Latch:Admin</c>.</summary>
public sealed record LatchAdminOptions
{
    public const string SectionName = "Latch:Admin";

    /// <summary>API keys by name. Only the SHA-256 of a key is configured, never the key.</summary>
    public Dictionary<string, ApiKeyOptions> ApiKeys { get; init; } = new(StringComparer.Ordinal);
}

/// <summary>One admin API key: the lower-case hex SHA-256 of the key and what it may do.</summary>
public sealed record ApiKeyOptions
{
    public string Sha256 { get; init; } = "";

    public string[] Scopes { get; init; } = [];
}

/// <summary>What an API key may do.</summary>
public static class AdminScopes
{
    public const string CodesIssue = "codes:issue";
    public const string CodesRead = "codes:read";
    public const string CodesRevoke = "codes:revoke";
    public const string AuditRead = "audit:read";
    public const string AccessRead = "access:read";
    public const string NotificationsTest = "notifications:test";

    public static IReadOnlyList<string> All { get; } = [CodesIssue, CodesRead, CodesRevoke, AuditRead, AccessRead, NotificationsTest];
}
