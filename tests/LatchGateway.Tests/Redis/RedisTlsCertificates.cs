using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace LatchGateway.Tests.Redis;

/// <summary>
/// A private CA and the certificates it issues, written as PEM files the way an operator receives them: the CA
/// certificate, a server certificate for <c>redis.test</c> and 127.0.0.1, and a client certificate for mutual TLS.
/// </summary>
internal sealed class RedisTlsCertificates
{
    public const string ServerName = "redis.test";

    private RedisTlsCertificates(string directory) => Directory = directory;

    public string Directory { get; }

    public string CaPath => Path.Combine(Directory, "ca.pem");

    public string ServerCertificatePath => Path.Combine(Directory, "server.pem");

    public string ServerKeyPath => Path.Combine(Directory, "server.key");

    public string ClientCertificatePath => Path.Combine(Directory, "client.pem");

    public string ClientKeyPath => Path.Combine(Directory, "client.key");

    public static RedisTlsCertificates Create(string name)
    {
        var files = new RedisTlsCertificates(System.IO.Directory.CreateTempSubdirectory($"latch-tls-{name}-").FullName);
        var now = DateTimeOffset.UtcNow;
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest($"CN=Latch test CA {name}", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        using var ca = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(1));
        File.WriteAllText(files.CaPath, ca.ExportCertificatePem());

        Issue(ca, $"CN={ServerName}", "1.3.6.1.5.5.7.3.1", files.ServerCertificatePath, files.ServerKeyPath, now);
        Issue(ca, "CN=latch-gateway", "1.3.6.1.5.5.7.3.2", files.ClientCertificatePath, files.ClientKeyPath, now);
        return files;
    }

    private static void Issue(X509Certificate2 ca, string subject, string usage, string certificatePath, string keyPath, DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(usage)], false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(ServerName);
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        using var certificate = request.Create(ca, now.AddHours(-1), now.AddHours(12), RandomNumberGenerator.GetBytes(12));
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
    }
}
