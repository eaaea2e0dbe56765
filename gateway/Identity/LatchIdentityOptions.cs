namespace LatchGateway.Identity;

/// <summary>Settings under <c>Latch:Identity</c>.</summary>
public sealed record LatchIdentityOptions
{
    public const string SectionName = "Latch:Identity";

    public const int MaxUserLength = 256;

    /// <summary>Claim of the authenticated (JWT bearer) principal that names the user.</summary>
    public string UserClaim { get; init; } = "sub";

    /// <summary>
    /// Claim naming the groups of a person asking for or reviewing access: a JSON array, repeated claims, or one
    /// string holding a JSON array, as identity providers send them.
    /// </summary>
    public string GroupsClaim { get; init; } = "groups";

    /// <summary>Claim holding a person's e-mail address, for notifications.</summary>
    public string EmailClaim { get; init; } = "email";

    /// <summary>
    /// A header naming the user, set by a trusted proxy (e.g. <c>X-Forwarded-User</c>). Honoured only on requests
    /// from <c>Latch:ForwardedHeaders</c> proxies; removed from every other request.
    /// </summary>
    public string? Header { get; init; }
}
