using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace LatchGateway.Tests.Infrastructure;

/// <summary>
/// HS256 tokens for the standard JWT bearer handler, configured the way an operator would: through the
/// <c>Authentication:Schemes:Bearer</c> section (<c>ValidIssuer</c>, <c>ValidAudiences</c>, <c>SigningKeys</c>).
/// </summary>
public static class TestJwt
{
    public const string Issuer = "test-issuer";

    public const string Audience = "latch";

    /// <summary>The key the gateway trusts (32 bytes, fixed so failures reproduce).</summary>
    public static readonly byte[] Key = [.. Enumerable.Range(0, 32).Select(i => (byte)(0xA0 ^ (i * 13)))];

    /// <summary>Another key of the same size, which the gateway does not trust.</summary>
    public static readonly byte[] OtherKey = [.. Enumerable.Range(0, 32).Select(i => (byte)(0x5C ^ (i * 29)))];

    /// <summary>The configuration keys that make the gateway accept tokens minted with <see cref="Key"/>.</summary>
    public static Dictionary<string, string?> Settings() => new()
    {
        ["Authentication:Schemes:Bearer:ValidIssuer"] = Issuer,
        ["Authentication:Schemes:Bearer:ValidAudiences:0"] = Audience,
        ["Authentication:Schemes:Bearer:SigningKeys:0:Issuer"] = Issuer,
        ["Authentication:Schemes:Bearer:SigningKeys:0:Value"] = Convert.ToBase64String(Key),
    };

    /// <summary>A token with <c>sub</c> = <paramref name="subject"/>, valid for 10 minutes.</summary>
    public static string For(string subject) => Mint(new Dictionary<string, object> { ["sub"] = subject });

    /// <summary>
    /// A token with the given claims. By default valid now, for 10 minutes, signed with <see cref="Key"/>, for
    /// <see cref="Issuer"/> and <see cref="Audience"/>.
    /// </summary>
    public static string Mint(
        IDictionary<string, object> claims,
        DateTime? notBefore = null,
        DateTime? expires = null,
        byte[]? key = null,
        string issuer = Issuer,
        string audience = Audience)
    {
        var now = DateTime.UtcNow;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Claims = claims,
            IssuedAt = notBefore ?? now,
            NotBefore = notBefore ?? now,
            Expires = expires ?? now.AddMinutes(10),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(key ?? Key), SecurityAlgorithms.HmacSha256),
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }
}
