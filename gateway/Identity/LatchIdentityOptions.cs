namespace LatchGateway.Identity;

/// <summary>Settings under <c>Latch:Identity</c>.</summary>
public sealed record LatchIdentityOptions
{
    public const string SectionName = "Latch:Identity";

    public const int MaxUserLength = 256;

    /// <summary>Claim of the authenticated (JWT bearer) principal that names the user.</summary>
    public string UserClaim { get; init; } = "sub";

    /// <summary>
    /// A header naming the user, set by a trusted proxy (e.g. <c>X-Forwarded-User</c>). Honoured only on requests
    /// from <c>Latch:ForwardedHeaders</c> proxies; removed from every other request.
    /// </summary>
    public string? Header { get; init; }
}
