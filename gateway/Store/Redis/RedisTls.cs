using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using StackExchange.Redis;

namespace LatchGateway.Store.Redis;

/// <summary>
/// The Redis connection's TLS beyond the connection string (<c>ssl=true,sslHost=…</c>): a private CA to trust
/// (<c>Latch:Store:Redis:TrustedCaPath</c>) and a client certificate for mutual TLS; and the check of both, and of
/// the connection string, at start-up. No message ever holds the connection string's password.
/// </summary>
internal static class RedisTls
{
    private const string Section = LatchStoreOptions.SectionName + ":Redis";

    public static IEnumerable<string> Failures(string connectionString, LatchRedisTlsOptions tls)
    {
        ArgumentNullException.ThrowIfNull(tls);
        var failures = new List<string>();
        try
        {
            _ = ConfigurationOptions.Parse(connectionString);
        }
        catch (Exception exception) when (exception is ArgumentException or FormatException or InvalidOperationException)
        {
            failures.Add($"ConnectionStrings:Redis is not a valid Redis connection string: {RedisSecrets.Mask(exception.Message, connectionString)}");
        }

        if (!string.IsNullOrWhiteSpace(tls.TrustedCaPath))
        {
            try
            {
                using var ca = X509CertificateLoader.LoadCertificateFromFile(tls.TrustedCaPath);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or CryptographicException)
            {
                failures.Add($"{Section}:TrustedCaPath must name a readable PEM or DER certificate file: {exception.Message}");
            }
        }

        var certificate = tls.ClientCertificatePath;
        var key = tls.ClientKeyPath;
        if (string.IsNullOrWhiteSpace(certificate) != string.IsNullOrWhiteSpace(key))
        {
            failures.Add($"{Section}:ClientCertificatePath and {Section}:ClientKeyPath go together: set both or neither.");
        }
        else if (!string.IsNullOrWhiteSpace(certificate))
        {
            try
            {
                using var client = X509Certificate2.CreateFromPemFile(certificate, key);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
            {
                failures.Add($"{Section}:ClientCertificatePath and ClientKeyPath must name a PEM certificate and its PEM private key: {exception.Message}");
            }
        }

        return failures;
    }

    /// <summary>Trusts the private CA and presents the client certificate; either turns TLS on.</summary>
    public static void Apply(ConfigurationOptions configuration, LatchRedisTlsOptions tls)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(tls);
        if (!string.IsNullOrWhiteSpace(tls.TrustedCaPath))
        {
            configuration.Ssl = true;
            configuration.TrustIssuer(X509CertificateLoader.LoadCertificateFromFile(tls.TrustedCaPath));
        }

        if (!string.IsNullOrWhiteSpace(tls.ClientCertificatePath) && !string.IsNullOrWhiteSpace(tls.ClientKeyPath))
        {
            configuration.SetUserPemCertificate(tls.ClientCertificatePath, tls.ClientKeyPath);
        }
    }
}
