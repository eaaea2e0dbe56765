using System.Text;
using LatchGateway.Codes;
using LatchGateway.Notifications;
using LatchGateway.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace LatchGateway.Tests.Notifications;

/// <summary>How a delivered code is sealed in the outbox: opened only under the same hash key, for the same entry, unaltered.</summary>
public sealed class OutboxCodeProtectorTests
{
    private static readonly byte[] HashKey = Convert.FromBase64String(RedisSettings.HashKey);

    private readonly OutboxCodeProtector _protector = new(HashKey);

    [Fact]
    public void A_sealed_code_opens_for_its_entry_and_shows_nothing_of_the_code()
    {
        var code = LatchHttp.RandomCode();

        var sealedCode = _protector.Seal(code, "msg_a");

        Assert.True(_protector.TryOpen(sealedCode, "msg_a", out var opened));
        Assert.Equal(code, opened);
        Assert.DoesNotContain(LatchHttp.Normalised(code), sealedCode.ToUpperInvariant(), StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes(code)), sealedCode, StringComparison.Ordinal);
    }

    [Fact]
    public void Each_seal_uses_a_fresh_nonce()
    {
        var code = LatchHttp.RandomCode();

        Assert.NotEqual(_protector.Seal(code, "msg_a"), _protector.Seal(code, "msg_a"));
    }

    [Fact]
    public void Every_replica_with_the_same_hash_key_opens_it()
    {
        var replica = new OutboxCodeProtector(Options.Create(new LatchCodeOptions { HashKey = RedisSettings.HashKey }));

        Assert.True(replica.TryOpen(_protector.Seal("ABCDE-12345", "msg_a"), "msg_a", out var opened));
        Assert.Equal("ABCDE-12345", opened);
    }

    [Fact]
    public void It_does_not_open_under_another_hash_key()
    {
        var other = new OutboxCodeProtector([.. HashKey.Select(b => (byte)(b ^ 1))]);

        Assert.False(other.TryOpen(_protector.Seal("ABCDE-12345", "msg_a"), "msg_a", out _));
    }

    [Fact]
    public void It_does_not_open_in_another_entry()
    {
        Assert.False(_protector.TryOpen(_protector.Seal("ABCDE-12345", "msg_a"), "msg_b", out _));
    }

    [Fact]
    public void An_altered_or_truncated_seal_does_not_open()
    {
        var sealedBytes = Convert.FromBase64String(_protector.Seal("ABCDE-12345", "msg_a"));
        foreach (var position in new[] { 0, 11, 12, sealedBytes.Length - 1 })
        {
            var altered = sealedBytes.ToArray();
            altered[position] ^= 0x40;
            Assert.False(_protector.TryOpen(Convert.ToBase64String(altered), "msg_a", out _), $"altered at byte {position}");
        }

        Assert.False(_protector.TryOpen(Convert.ToBase64String(sealedBytes[..^1]), "msg_a", out _));
        Assert.False(_protector.TryOpen(Convert.ToBase64String(sealedBytes[..27]), "msg_a", out _));
        Assert.False(_protector.TryOpen("not base64!", "msg_a", out _));
    }

    [Fact]
    public void The_key_is_derived_not_the_hash_key_itself()
    {
        // Sealed under the raw hash key, a code must not open: the outbox never encrypts with the HMAC key.
        var sealedBytes = Convert.FromBase64String(_protector.Seal("ABCDE-12345", "msg_a"));
        var plaintext = new byte[sealedBytes.Length - 28];
        using var raw = new System.Security.Cryptography.AesGcm(HashKey, 16);

        Assert.Throws<System.Security.Cryptography.AuthenticationTagMismatchException>(() =>
            raw.Decrypt(sealedBytes.AsSpan(0, 12), sealedBytes.AsSpan(12, plaintext.Length), sealedBytes.AsSpan(12 + plaintext.Length), plaintext, "msg_a"u8));
    }
}
