using System.Security.Cryptography;

namespace LatchGateway.Codes;

/// <summary>Settings under <c>Latch:Codes</c>.</summary>
public sealed record LatchCodeOptions
{
    public const string SectionName = "Latch:Codes";

    public const int MinimumLength = 8;

    public const int MaximumLength = 32;

    public const int MinimumHashKeyBytes = 32;

    /// <summary>Symbols in a generated code (50 bits at the default of 10).</summary>
    public int Length { get; init; } = 10;

    /// <summary>Lifetime of a code when the issue request names none.</summary>
    public TimeSpan DefaultTtl { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Longest lifetime an issue request may ask for.</summary>
    public TimeSpan MaxTtl { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Base64 HMAC key (at least 32 bytes). Random per process when absent with the memory store.</summary>
    public string? HashKey { get; init; }

    internal static byte[] ResolveHashKey(string? configured) =>
        string.IsNullOrWhiteSpace(configured)
            ? RandomNumberGenerator.GetBytes(MinimumHashKeyBytes)
            : Convert.FromBase64String(configured);
}
