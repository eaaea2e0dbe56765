using System.Security.Cryptography;
using System.Text;
using LatchGateway.Configuration;

namespace LatchGateway.Admin.Authentication;

/// <summary>The configured API keys as digests, rebuilt when the configuration changes.</summary>
internal sealed class ApiKeyRegistry : IDisposable
{
    private readonly LiveOptions<LatchAdminOptions> _options;
    private volatile Entry[] _entries;

    public ApiKeyRegistry(LiveOptions<LatchAdminOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _entries = Build(options.Current);
        options.Changed += Rebuild;
    }

    public bool IsEmpty => _entries.Length == 0;

    /// <summary>
    /// Finds the key whose digest matches the presented key. Every configured digest is compared in constant
    /// time, so the answer's timing says nothing about which key, or how much of one, matched.
    /// </summary>
    public Entry? Find(string presentedKey)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        var maxBytes = Encoding.UTF8.GetMaxByteCount(presentedKey.Length);
        var buffer = maxBytes <= 512 ? stackalloc byte[maxBytes] : new byte[maxBytes];
        var written = Encoding.UTF8.GetBytes(presentedKey, buffer);
        SHA256.HashData(buffer[..written], digest);

        Entry? match = null;
        foreach (var entry in _entries)
        {
            if (CryptographicOperations.FixedTimeEquals(entry.Digest, digest))
            {
                match = entry;
            }
        }

        return match;
    }

    public void Dispose() => _options.Changed -= Rebuild;

    private void Rebuild(LatchAdminOptions options) => _entries = Build(options);

    private static Entry[] Build(LatchAdminOptions options)
    {
        var entries = new List<Entry>(options.ApiKeys.Count);
        foreach (var (name, key) in options.ApiKeys)
        {
            if (key.Sha256.Length == 64)
            {
                entries.Add(new Entry(name, Convert.FromHexString(key.Sha256), key.Scopes));
            }
        }

        return [.. entries];
    }

    internal sealed record Entry(string Name, byte[] Digest, IReadOnlyList<string> Scopes);
}
