using System.Security.Cryptography;
using System.Text;
using LatchGateway.Admin;
using LatchGateway.Admin.Authentication;
using LatchGateway.Tests.Hosting;

namespace LatchGateway.Tests.Admin;

public sealed class ApiKeyRegistryTests
{
    private const string OpsKey = "ops-secret-key-0001";
    private const string BotKey = "bot-secret-key-0002";

    [Fact]
    public void Find_returns_the_name_and_scopes_of_the_matching_key()
    {
        using var registry = new ApiKeyRegistry(Monitor(("ops", OpsKey, [.. AdminScopes.All]), ("bot", BotKey, [AdminScopes.CodesIssue])));

        var ops = registry.Find(OpsKey);
        var bot = registry.Find(BotKey);

        Assert.NotNull(ops);
        Assert.Equal("ops", ops.Name);
        Assert.Equal(AdminScopes.All, ops.Scopes);
        Assert.NotNull(bot);
        Assert.Equal("bot", bot.Name);
        Assert.Equal([AdminScopes.CodesIssue], bot.Scopes);
    }

    [Theory]
    [InlineData("")]
    [InlineData("ops-secret-key-000")]
    [InlineData("ops-secret-key-00011")]
    [InlineData("OPS-SECRET-KEY-0001")]
    [InlineData(" ops-secret-key-0001")]
    [InlineData("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")]
    public void Find_matches_nothing_but_the_exact_key(string presented)
    {
        using var registry = new ApiKeyRegistry(Monitor(("ops", OpsKey, [AdminScopes.CodesRead])));

        Assert.Null(registry.Find(presented));
    }

    [Fact]
    public void The_configured_hash_is_not_itself_a_key()
    {
        using var registry = new ApiKeyRegistry(Monitor(("ops", OpsKey, [AdminScopes.CodesRead])));

        Assert.Null(registry.Find(Sha256Hex(OpsKey)));
    }

    [Fact]
    public void Upper_case_hex_hashes_match_too()
    {
        var options = new LatchAdminOptions();
        options.ApiKeys["ops"] = new ApiKeyOptions { Sha256 = Sha256Hex(OpsKey).ToUpperInvariant(), Scopes = [AdminScopes.CodesRead] };
        using var registry = new ApiKeyRegistry(new TestSettings<LatchAdminOptions>(options));

        Assert.Equal("ops", registry.Find(OpsKey)?.Name);
    }

    [Fact]
    public void Keys_are_hashed_as_UTF8()
    {
        const string Key = "clé-🔑-0003";
        using var registry = new ApiKeyRegistry(Monitor(("intl", Key, [AdminScopes.AuditRead])));

        Assert.Equal("intl", registry.Find(Key)?.Name);
    }

    [Fact]
    public void Very_long_presented_keys_are_handled()
    {
        using var registry = new ApiKeyRegistry(Monitor(("ops", OpsKey, [AdminScopes.CodesRead])));

        Assert.Null(registry.Find(new string('k', 100_000)));
    }

    [Fact]
    public void Is_empty_without_keys()
    {
        using var empty = new ApiKeyRegistry(new TestSettings<LatchAdminOptions>(new LatchAdminOptions()));
        using var one = new ApiKeyRegistry(Monitor(("ops", OpsKey, [AdminScopes.CodesRead])));

        Assert.True(empty.IsEmpty);
        Assert.Null(empty.Find(OpsKey));
        Assert.False(one.IsEmpty);
    }

    [Fact]
    public void Follows_configuration_changes()
    {
        var monitor = Monitor(("ops", OpsKey, [AdminScopes.CodesRead]));
        using var registry = new ApiKeyRegistry(monitor);

        monitor.Set(Options(("bot", BotKey, [AdminScopes.CodesIssue])));

        Assert.Null(registry.Find(OpsKey));
        Assert.Equal("bot", registry.Find(BotKey)?.Name);
    }

    private static TestSettings<LatchAdminOptions> Monitor(params (string Name, string Key, string[] Scopes)[] keys) =>
        new(Options(keys));

    private static LatchAdminOptions Options(params (string Name, string Key, string[] Scopes)[] keys)
    {
        var options = new LatchAdminOptions();
        foreach (var (name, key, scopes) in keys)
        {
            options.ApiKeys[name] = new ApiKeyOptions { Sha256 = Sha256Hex(key), Scopes = scopes };
        }

        return options;
    }

    private static string Sha256Hex(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}
