using System.Security.Cryptography;
using LatchGateway.Configuration;
using LatchGateway.Identity;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace LatchGateway.Development;

/// <summary>
/// Development only: when <c>Authentication:Schemes:Bearer</c> names no signing key and no authority, the JWT bearer
/// scheme trusts a random key made for this process, and two demo people get a token signed with it, printed once
/// to the console (never logged): <c>alice</c> (group <c>engineering</c>, a requester) and <c>bob</c> (group
/// <c>sre</c>, an approver). With them the README's access walk-through works on a fresh clone.
/// </summary>
internal sealed class DevelopmentPeople(IConfiguration configuration, LiveOptions<LatchIdentityOptions> identity, TimeProvider timeProvider)
    : IPostConfigureOptions<JwtBearerOptions>
{
    public const string Issuer = "latch-development";
    public const string Audience = "latch";
    private static readonly TimeSpan TokenLifetime = TimeSpan.FromHours(12);

    private readonly SymmetricSecurityKey _key = new(RandomNumberGenerator.GetBytes(32));

    /// <summary>Whether the demo key is trusted: the bearer section names no key and no authority of its own.</summary>
    public bool InUse { get; } = NamesNoIssuer(configuration.GetSection($"Authentication:Schemes:{JwtBearerDefaults.AuthenticationScheme}"));

    /// <summary>The demo people: user id, groups, e-mail.</summary>
    public static IReadOnlyList<(string User, string Group, string Email)> People { get; } =
    [
        ("alice", "engineering", "alice@example.test"),
        ("bob", "sre", "bob@example.test"),
    ];

    public void PostConfigure(string? name, JwtBearerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!InUse || !string.Equals(name, JwtBearerDefaults.AuthenticationScheme, StringComparison.Ordinal))
        {
            return;
        }

        options.TokenValidationParameters.ValidIssuer = Issuer;
        options.TokenValidationParameters.ValidAudience = Audience;
        options.TokenValidationParameters.IssuerSigningKey = _key;
    }

    /// <summary>A demo person's token, signed with this process's key.</summary>
    public string TokenFor(string user)
    {
        var (id, group, email) = People.Single(p => p.User == user);
        var settings = identity.Current;
        var now = timeProvider.GetUtcNow().UtcDateTime;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            Claims = new Dictionary<string, object>
            {
                [settings.UserClaim] = id,
                [settings.GroupsClaim] = new[] { group },
                [settings.EmailClaim] = email,
            },
            IssuedAt = now,
            NotBefore = now,
            Expires = now + TokenLifetime,
            SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.HmacSha256),
        });
    }

    public void Print(TextWriter console)
    {
        ArgumentNullException.ThrowIfNull(console);
        if (!InUse)
        {
            return;
        }

        console.WriteLine($"Development people for this run (JWTs valid {TokenLifetime.TotalHours:0} h; never outside Development):");
        foreach (var (user, group, _) in People)
        {
            console.WriteLine($"  export LATCH_TOKEN_{user.ToUpperInvariant()}={TokenFor(user)}   # {user}, group {group}");
        }

        console.WriteLine();
    }

    private static bool NamesNoIssuer(IConfigurationSection bearer) =>
        !bearer.GetSection("SigningKeys").Exists() && string.IsNullOrEmpty(bearer["Authority"]) && string.IsNullOrEmpty(bearer["MetadataAddress"]);
}
