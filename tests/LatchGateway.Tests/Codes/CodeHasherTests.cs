using System.Security.Cryptography;
using System.Text;
using LatchGateway.Codes;
using Microsoft.Extensions.Options;

namespace LatchGateway.Tests.Codes;

public sealed class CodeHasherTests
{
    private static readonly byte[] KeyA = [.. Enumerable.Repeat((byte)0xA5, 32)];
    private static readonly byte[] KeyB = [.. Enumerable.Repeat((byte)0x5A, 32)];

    [Fact]
    public void Same_normalised_code_gives_the_same_digest()
    {
        var hasher = new CodeHasher(KeyA);

        Assert.Equal(hasher.Compute(Normalize("abcde-12345")), hasher.Compute(Normalize("ABCDE 12345")));
        Assert.Equal(hasher.Compute(Normalize("ILO")), hasher.Compute(Normalize("110")));
    }

    [Fact]
    public void Different_keys_give_different_digests()
    {
        Assert.NotEqual(new CodeHasher(KeyA).Compute("ABCDE12345"), new CodeHasher(KeyB).Compute("ABCDE12345"));
    }

    [Fact]
    public void Different_codes_give_different_digests()
    {
        var hasher = new CodeHasher(KeyA);

        Assert.NotEqual(hasher.Compute("ABCDE12345"), hasher.Compute("ABCDE12346"));
        Assert.NotEqual(hasher.Compute("ABCDE12345"), hasher.Compute("ABCDE1234"));
    }

    [Fact]
    public async Task Digests_computed_on_many_threads_at_once_are_the_ones_computed_alone()
    {
        using var hasher = new CodeHasher(KeyA);
        var codes = Enumerable.Range(0, 64).Select(i => $"ABCDE{i:D5}").ToArray();
        var expected = codes.Select(code => HMACSHA256.HashData(KeyA, Encoding.ASCII.GetBytes(code))).ToArray();

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            var mismatches = 0;
            var digest = new byte[32];
            for (var round = 0; round < 200; round++)
            {
                for (var i = 0; i < codes.Length; i++)
                {
                    hasher.Compute(codes[i]).CopyTo(digest);
                    mismatches += digest.SequenceEqual(expected[i]) ? 0 : 1;
                }
            }

            return mismatches;
        })));

        Assert.All(results, mismatches => Assert.Equal(0, mismatches));
    }

    [Fact]
    public void Digest_is_HMAC_SHA256_of_the_ASCII_code_under_the_key()
    {
        var expected = HMACSHA256.HashData(KeyA, Encoding.ASCII.GetBytes("ABCDE12345"));

        var digest = new CodeHasher(KeyA).Compute("ABCDE12345");

        Assert.Equal(Convert.ToHexStringLower(expected), digest.ToHex());
        var bytes = new byte[CodeDigest.Size];
        digest.CopyTo(bytes);
        Assert.Equal(expected, bytes);
    }

    [Fact]
    public void Configured_base64_key_is_the_HMAC_key()
    {
        var options = Options.Create(new LatchCodeOptions { HashKey = Convert.ToBase64String(KeyA) });

        Assert.Equal(new CodeHasher(KeyA).Compute("ABCDE12345"), new CodeHasher(options).Compute("ABCDE12345"));
    }

    [Fact]
    public void Without_a_configured_key_each_hasher_gets_its_own_random_key()
    {
        var options = Options.Create(new LatchCodeOptions());

        Assert.NotEqual(new CodeHasher(options).Compute("ABCDE12345"), new CodeHasher(options).Compute("ABCDE12345"));
    }

    private static string Normalize(string code)
    {
        Span<char> buffer = stackalloc char[CrockfordBase32.MaxCodeLength];
        var length = CrockfordBase32.Normalize(code, buffer);
        Assert.True(length > 0);
        return buffer[..length].ToString();
    }
}
