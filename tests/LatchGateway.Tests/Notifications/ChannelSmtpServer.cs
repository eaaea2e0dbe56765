using System.Buffers;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using LatchGateway.Tests.Infrastructure;
using MimeKit;
using SmtpServer;
using SmtpServer.Authentication;
using SmtpServer.Mail;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace LatchGateway.Tests.Notifications;

/// <summary>
/// A real SMTP server in process (the SmtpServer package) on a loopback port, keeping every message it accepts with
/// its envelope. It can ask for a login, refuse chosen recipients with a given reply, and offer STARTTLS with a
/// self-signed certificate (which no client trusting the system's authorities accepts).
/// </summary>
internal sealed class ChannelSmtpServer : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _running;

    private ChannelSmtpServer(int port, Options options)
    {
        Port = port;
        var builder = new SmtpServerOptionsBuilder()
            .ServerName("smtp.test")
            .Endpoint(endpoint =>
            {
                endpoint.Endpoint(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, port))
                    .AllowUnsecureAuthentication(options.Login is not null)
                    .AuthenticationRequired(options.Login is not null);
                if (options.SelfSignedTls)
                {
                    endpoint.Certificate(SelfSigned());
                }
            });
        var provider = new SmtpServer.ComponentModel.ServiceProvider();
        provider.Add(new Store(this));
        provider.Add(new Recipients(options.Refuse));
        if (options.Login is { } login)
        {
            provider.Add(new Login(this, login.User, login.Password));
        }

        _running = new SmtpServer.SmtpServer(builder.Build(), provider).StartAsync(_stop.Token);
    }

    public sealed record Options(
        (string User, string Password)? Login = null,
        (string Address, SmtpReplyCode Reply)? Refuse = null,
        bool SelfSignedTls = false);

    public sealed record Received(string From, IReadOnlyList<string> To, MimeMessage Message);

    public int Port { get; }

    public ConcurrentQueue<Received> Messages { get; } = new();

    public ConcurrentQueue<string> LoggedIn { get; } = new();

    /// <summary>Starts a server on <paramref name="port"/> (a free one when not given).</summary>
    public static async Task<ChannelSmtpServer> StartAsync(Options? options = null, int? port = null)
    {
        var server = new ChannelSmtpServer(port ?? FreePort.Next(), options ?? new Options());
        await WaitUntilListeningAsync(server.Port);
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _running;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private static async Task WaitUntilListeningAsync(int port)
    {
        for (var i = 0; i < 100; i++)
        {
            if (!FreePort.IsFree(port))
            {
                return;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"the SMTP server did not listen on {port}");
    }

    private static X509Certificate2 SelfSigned()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }

    private sealed class Store(ChannelSmtpServer server) : MessageStore
    {
        public override Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            using var stream = new MemoryStream(buffer.ToArray());
            server.Messages.Enqueue(new Received(
                transaction.From.AsAddress(),
                transaction.To.Select(t => t.AsAddress()).ToList(),
                MimeMessage.Load(stream, cancellationToken)));
            return Task.FromResult(SmtpResponse.Ok);
        }
    }

    private sealed class Recipients((string Address, SmtpReplyCode Reply)? refuse) : MailboxFilter
    {
        public override Task<bool> CanDeliverToAsync(ISessionContext context, IMailbox to, IMailbox from, CancellationToken cancellationToken)
        {
            if (refuse is { } r && string.Equals(to.AsAddress(), r.Address, StringComparison.OrdinalIgnoreCase))
            {
                throw new SmtpResponseException(new SmtpResponse(r.Reply, "refused by the test server"));
            }

            return Task.FromResult(true);
        }
    }

    private sealed class Login(ChannelSmtpServer server, string user, string password) : UserAuthenticator
    {
        public override Task<bool> AuthenticateAsync(ISessionContext context, string user1, string password1, CancellationToken cancellationToken)
        {
            var ok = user1 == user && password1 == password;
            if (ok)
            {
                server.LoggedIn.Enqueue(user1);
            }

            return Task.FromResult(ok);
        }
    }
}
