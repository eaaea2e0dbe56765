using System.Security.Cryptography;
using System.Text;
using LatchGateway.Codes;
using Microsoft.Extensions.Options;

namespace LatchGateway.Notifications;

/// <summary>
/// Keeps a delivered code (<see cref="NotificationData.Code"/>) out of the outbox in clear: AES-256-GCM under a key
/// derived from <c>Latch:Codes:HashKey</c> with HKDF-SHA256 (so every replica can open what another sealed, and the
/// HMAC key itself never encrypts anything), a random 12-byte nonce per message, and the message's id as associated
/// data, so a sealed code opens only in the entry it was sealed for. Sealed form: base64 of nonce, ciphertext, tag.
/// </summary>
internal sealed class OutboxCodeProtector
{
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private static readonly byte[] Info = "latch-outbox-code-v1"u8.ToArray();

    private readonly byte[] _key;

    public OutboxCodeProtector(IOptions<LatchCodeOptions> options)
        : this(LatchCodeOptions.ResolveHashKey(options.Value.HashKey))
    {
    }

    public OutboxCodeProtector(byte[] hashKey)
    {
        ArgumentNullException.ThrowIfNull(hashKey);
        _key = HKDF.DeriveKey(HashAlgorithmName.SHA256, hashKey, 32, salt: [], Info);
    }

    /// <summary>Seals <paramref name="code"/> for the entry <paramref name="entryId"/>.</summary>
    public string Seal(string code, string entryId)
    {
        ArgumentNullException.ThrowIfNull(code);
        ArgumentNullException.ThrowIfNull(entryId);
        var plaintext = Encoding.UTF8.GetBytes(code);
        var sealedBytes = new byte[NonceSize + plaintext.Length + TagSize];
        var nonce = sealedBytes.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using (var aes = new AesGcm(_key, TagSize))
        {
            aes.Encrypt(nonce, plaintext, sealedBytes.AsSpan(NonceSize, plaintext.Length), sealedBytes.AsSpan(NonceSize + plaintext.Length), Encoding.UTF8.GetBytes(entryId));
        }

        CryptographicOperations.ZeroMemory(plaintext);
        return Convert.ToBase64String(sealedBytes);
    }

    /// <summary>
    /// Opens what <see cref="Seal"/> made for <paramref name="entryId"/>; false when it cannot be opened: sealed under
    /// another hash key, for another entry, or altered.
    /// </summary>
    public bool TryOpen(string sealedCode, string entryId, out string code)
    {
        ArgumentNullException.ThrowIfNull(sealedCode);
        ArgumentNullException.ThrowIfNull(entryId);
        code = "";
        var sealedBytes = new byte[sealedCode.Length];
        if (!Convert.TryFromBase64String(sealedCode, sealedBytes, out var length) || length < NonceSize + TagSize)
        {
            return false;
        }

        var ciphertextLength = length - NonceSize - TagSize;
        var plaintext = new byte[ciphertextLength];
        try
        {
            using var aes = new AesGcm(_key, TagSize);
            aes.Decrypt(
                sealedBytes.AsSpan(0, NonceSize),
                sealedBytes.AsSpan(NonceSize, ciphertextLength),
                sealedBytes.AsSpan(NonceSize + ciphertextLength, TagSize),
                plaintext,
                Encoding.UTF8.GetBytes(entryId));
        }
        catch (AuthenticationTagMismatchException)
        {
            return false;
        }

        code = Encoding.UTF8.GetString(plaintext);
        CryptographicOperations.ZeroMemory(plaintext);
        return true;
    }
}
