namespace LatchGateway.Identity;

/// <summary>Settings under <c>Latch:Identity</c>.</summary>
public sealed record LatchIdentityOptions
{
    public const string SectionName = "Latch:Identity";

    /// <summary>Claim of the authenticated principal that names the user.</summary>
    public string UserClaim { get; init; } = "sub";
}
