using System.Security.Cryptography;
using System.Text;
using LatchGateway.Admin;
using Microsoft.Extensions.Options;

namespace LatchGateway.Development;

/// <summary>
/// Development only: when no admin key is configured, a random key with every scope is made for this process and
/// printed once to the console (never logged), so the README's walk-through works on a fresh clone.
/// </summary>
internal sealed class DevelopmentAdminKey : IPostConfigureOptions<LatchAdminOptions>
{
    public const string KeyName = "development";

    private readonly string _key = "dev-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public bool InUse { get; private set; }

    public void PostConfigure(string? name, LatchAdminOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.ApiKeys.Count > 0)
        {
            return;
        }

        options.ApiKeys[KeyName] = new ApiKeyOptions
        {
            Sha256 = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(_key))),
            Scopes = [.. AdminScopes.All],
        };
        InUse = true;
    }

    public void Print(TextWriter console)
    {
        if (!InUse)
        {
            return;
        }

        console.WriteLine();
        console.WriteLine("Development admin key for this run (all scopes; never outside Development):");
        console.WriteLine($"  export LATCH_ADMIN_KEY={_key}");
        console.WriteLine();
    }
}
