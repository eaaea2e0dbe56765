using System.Globalization;
using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace LatchGateway.Notifications.Channels;

/// <summary>
/// E-mail through an SMTP server with MailKit, one connection per attempt, all of it within the channel's
/// <c>Timeout</c>. <c>StartTls</c> insists on STARTTLS: a server that does not offer it gets nothing, never a message
/// in clear. Certificates are checked against the system's trust. Outcomes: the server took the message
/// <c>Sent</c>; a 5xx reply (a refused recipient, sender or login), a missing login, no STARTTLS or no resolvable
/// recipient <c>Final</c>; a 4xx reply, a connection or TLS failure, a timeout or any other failure of the attempt
/// <c>Retry</c>. Details give the reply code, not the server's text (which may quote an address) nor anything of the
/// message.
/// </summary>
internal sealed class SmtpChannel(TimeProvider timeProvider, ILogger<SmtpChannel> logger) : INotificationChannel
{
    public NotificationChannelType Type => NotificationChannelType.Smtp;

    public async Task<ChannelResult> SendAsync(string name, NotificationChannelOptions channel, Notification notification, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(notification);
        var result = await AttemptAsync(channel, notification, cancellationToken).ConfigureAwait(false);
        return ChannelLog.Attempted(logger, name, notification, result);
    }

    private async Task<ChannelResult> AttemptAsync(NotificationChannelOptions channel, Notification notification, CancellationToken cancellationToken)
    {
        var recipients = NotificationMail.Recipients(channel, notification.Data);
        if (recipients.Count == 0)
        {
            return new ChannelResult(ChannelOutcome.Final, "no recipient: no To entry resolves to an address (the requester has none?)");
        }

        if (string.IsNullOrWhiteSpace(channel.Host) || NotificationMail.Address(channel.From) is not { } from)
        {
            return new ChannelResult(ChannelOutcome.Final, "the channel has no Host or no valid From");
        }

        var text = NotificationText.For(notification, channel.CarriesCodes);
        using var message = NotificationMail.Compose(from, recipients, notification, text, timeProvider.GetUtcNow());
        using var timeout = new CancellationTokenSource(channel.Timeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        using var client = new SmtpClient { Timeout = (int)Math.Ceiling(channel.Timeout.TotalMilliseconds) };
        var step = "connecting";
        try
        {
            await client.ConnectAsync(channel.Host, channel.Port, SocketOptions(channel.Security), linked.Token).ConfigureAwait(false);
            if (!string.IsNullOrEmpty(channel.UserName))
            {
                step = "authenticating";
                await client.AuthenticateAsync(channel.UserName, channel.Password ?? "", linked.Token).ConfigureAwait(false);
            }

            step = "sending";
            await client.SendAsync(message, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            return Classify(e, step, channel);
        }

        await QuitAsync(client, linked.Token).ConfigureAwait(false);
        return ChannelResult.Sent;
    }

    private static ChannelResult Classify(Exception exception, string step, NotificationChannelOptions channel) => exception switch
    {
        OperationCanceledException or TimeoutException =>
            Retry($"no answer within {channel.Timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s while {step}"),
        SmtpCommandException command => (int)command.StatusCode >= 500
            ? Final($"SMTP {(int)command.StatusCode} while {step} ({command.ErrorCode})")
            : Retry($"SMTP {(int)command.StatusCode} while {step} ({command.ErrorCode})"),
        AuthenticationException => Final("the server refused the UserName and Password"),
        NotSupportedException when step == "connecting" => Final("the server does not offer STARTTLS: not sending in clear"),
        NotSupportedException => Final("the server offers no authentication for the UserName and Password"),
        ServiceNotAuthenticatedException => Final("the server requires a login: set UserName and Password"),
        SslHandshakeException => Retry($"TLS failed while {step} (is the server's certificate trusted?)"),
        ProtocolException or ServiceNotConnectedException or IOException or SocketException => Retry($"connection failed while {step}"),

        // Anything else MailKit may throw: a failure of this attempt, named by its type (its message may quote the server).
        _ => Retry($"{exception.GetType().Name} while {step}"),
    };

    /// <summary>Ends the session politely; the message is accepted already, so a failure here changes nothing.</summary>
    private static async Task QuitAsync(SmtpClient client, CancellationToken cancellationToken)
    {
        try
        {
            await client.DisconnectAsync(quit: true, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or SmtpProtocolException or SmtpCommandException)
        {
            // The server took the message before this.
        }
    }

    private static SecureSocketOptions SocketOptions(SmtpSecurity security) => security switch
    {
        SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
        SmtpSecurity.None => SecureSocketOptions.None,
        _ => SecureSocketOptions.StartTls,
    };

    private static ChannelResult Retry(string detail) => new(ChannelOutcome.Retry, detail);

    private static ChannelResult Final(string detail) => new(ChannelOutcome.Final, detail);
}
