using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using LatchGateway.Notifications;
using LatchGateway.Notifications.Channels;
using MimeKit;
using SmtpServer.Protocol;

namespace LatchGateway.Tests.Notifications;

public sealed class ChannelSmtpTests
{
    [Fact]
    public async Task A_mail_goes_from_the_sender_to_every_recipient_with_the_title_as_subject_and_a_text_and_an_html_part()
    {
        await using var services = new ChannelServices();
        await using var server = await ChannelSmtpServer.StartAsync();
        var notification = ChannelSamples.Requested();

        var result = await Channel(services).SendAsync("mail", Smtp(server, to: ["sre@example.com", "oncall@example.com"]), notification, CancellationToken.None);

        Assert.Equal(ChannelResult.Sent, result);
        var received = Assert.Single(server.Messages);
        Assert.Equal("latch@example.com", received.From);
        Assert.Equal(["sre@example.com", "oncall@example.com"], received.To);
        var message = received.Message;
        Assert.Equal("latch@example.com", Assert.Single(message.From.Mailboxes).Address);
        Assert.Equal(["sre@example.com", "oncall@example.com"], message.To.Mailboxes.Select(m => m.Address));
        Assert.Equal("alice asks for access to orders-admin", message.Subject);
        Assert.Equal($"{notification.Id}@example.com", message.MessageId);
        var alternative = Assert.IsType<MultipartAlternative>(message.Body);
        Assert.Equal(["text/plain", "text/html"], alternative.Select(p => p.ContentType.MimeType));
        Assert.Contains("Reason:", message.TextBody, StringComparison.Ordinal);
        Assert.Contains("INC-4711: refund stuck", message.TextBody, StringComparison.Ordinal);
        Assert.Contains("latchctl requests approve req_01JABC", message.TextBody, StringComparison.Ordinal);
        Assert.Contains("1 of 2 (bob)", message.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("latchctl requests deny req_01JABC", message.HtmlBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_requester_email_placeholder_becomes_the_requester_address()
    {
        await using var services = new ChannelServices();
        await using var server = await ChannelSmtpServer.StartAsync();

        var result = await Channel(services).SendAsync(
            "requester", Smtp(server, to: ["{requester.email}", "audit@example.com"]), ChannelSamples.Granted(), CancellationToken.None);

        Assert.Equal(ChannelResult.Sent, result);
        Assert.Equal(["alice@example.com", "audit@example.com"], Assert.Single(server.Messages).To);
    }

    [Fact]
    public async Task A_message_with_no_resolvable_recipient_is_final_and_nothing_is_sent()
    {
        await using var services = new ChannelServices();
        await using var server = await ChannelSmtpServer.StartAsync();

        var result = await Channel(services).SendAsync(
            "requester", Smtp(server, to: ["{requester.email}"]), ChannelSamples.Granted(requesterEmail: null), CancellationToken.None);

        Assert.Equal(ChannelOutcome.Final, result.Outcome);
        Assert.Empty(server.Messages);
    }

    [Fact]
    public async Task Every_value_in_the_html_part_is_encoded()
    {
        await using var services = new ChannelServices();
        await using var server = await ChannelSmtpServer.StartAsync();

        await Channel(services).SendAsync(
            "mail", Smtp(server), ChannelSamples.Requested("<script>alert(1)</script> & <a href=\"https://evil.example\">x</a>"), CancellationToken.None);

        var message = Assert.Single(server.Messages).Message;
        Assert.DoesNotContain("<script>", message.HtmlBody, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<a ", message.HtmlBody, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;a href=&quot;https://evil.example&quot;&gt;x&lt;/a&gt;", message.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("<script>alert(1)</script> & <a href=\"https://evil.example\">x</a>", message.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_code_is_mailed_only_by_a_channel_that_carries_codes()
    {
        await using var services = new ChannelServices();
        await using var server = await ChannelSmtpServer.StartAsync();
        var granted = ChannelSamples.Granted(code: ChannelSamples.Code);

        await Channel(services).SendAsync("mail", Smtp(server), granted, CancellationToken.None);
        await Channel(services).SendAsync("requester", Smtp(server, to: ["{requester.email}"], carriesCodes: true), granted, CancellationToken.None);

        var messages = server.Messages.ToArray();
        Assert.DoesNotContain(ChannelSamples.Code, messages[0].Message.ToString(), StringComparison.Ordinal);
        var delivered = messages[1].Message;
        Assert.Contains($"Your code: {ChannelSamples.Code}", delivered.TextBody, StringComparison.Ordinal);
        Assert.Contains("It expires 2025-06-01 12:15:00 UTC.", delivered.TextBody, StringComparison.Ordinal);
        Assert.Contains(ChannelSamples.Code, delivered.HtmlBody, StringComparison.Ordinal);
        Assert.DoesNotContain(ChannelSamples.Code, delivered.Subject, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_channel_logs_in_when_a_user_name_is_configured()
    {
        await using var services = new ChannelServices();
        await using var server = await ChannelSmtpServer.StartAsync(new ChannelSmtpServer.Options(Login: ("latch", "s3cret-pw")));

        var result = await Channel(services).SendAsync("mail", Smtp(server, userName: "latch", password: "s3cret-pw"), ChannelSamples.Requested(), CancellationToken.None);

        Assert.Equal(ChannelResult.Sent, result);
        Assert.Equal("latch", Assert.Single(server.LoggedIn));
        Assert.Single(server.Messages);
        Assert.DoesNotContain("s3cret-pw", services.Logs.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_login_is_final()
    {
        await using var services = new ChannelServices();
        await using var server = await ChannelSmtpServer.StartAsync(new ChannelSmtpServer.Options(Login: ("latch", "s3cret-pw")));

        var result = await Channel(services).SendAsync("mail", Smtp(server, userName: "latch", password: "wrong-pw"), ChannelSamples.Requested(), CancellationToken.None);

        Assert.Equal(ChannelOutcome.Final, result.Outcome);
        Assert.Empty(server.Messages);
        Assert.DoesNotContain("wrong-pw", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_requiring_a_login_the_channel_lacks_is_final()
    {
        await using var services = new ChannelServices();
        await using var server = await ChannelSmtpServer.StartAsync(new ChannelSmtpServer.Options(Login: ("latch", "s3cret-pw")));

        var result = await Channel(services).SendAsync("mail", Smtp(server), ChannelSamples.Requested(), CancellationToken.None);

        Assert.Equal(ChannelOutcome.Final, result.Outcome);
        Assert.Empty(server.Messages);
    }

    [Fact]
    public async Task A_recipient_refused_with_550_is_final()
    {
        await using var services = new ChannelServices();
        await using var server = await ChannelSmtpServer.StartAsync(new ChannelSmtpServer.Options(Refuse: ("nobody@example.com", SmtpReplyCode.MailboxUnavailable)));

        var result = await Channel(services).SendAsync("mail", Smtp(server, to: ["nobody@example.com"]), ChannelSamples.Requested(), CancellationToken.None);

        Assert.Equal(ChannelOutcome.Final, result.Outcome);
        Assert.StartsWith("SMTP 550", result.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("nobody@example.com", result.Detail, StringComparison.Ordinal);
        Assert.Empty(server.Messages);
    }

    [Fact]
    public async Task A_recipient_put_off_with_a_4xx_reply_is_worth_retrying()
    {
        await using var services = new ChannelServices();
        await using var server = await ChannelSmtpServer.StartAsync(new ChannelSmtpServer.Options(Refuse: ("busy@example.com", SmtpReplyCode.InsufficientStorage)));

        var result = await Channel(services).SendAsync("mail", Smtp(server, to: ["busy@example.com"]), ChannelSamples.Requested(), CancellationToken.None);

        Assert.Equal(ChannelOutcome.Retry, result.Outcome);
        Assert.StartsWith("SMTP 452", result.Detail, StringComparison.Ordinal);
        Assert.Empty(server.Messages);
    }

    [Fact]
    public async Task A_server_that_never_answers_is_a_retry_within_the_timeout()
    {
        await using var services = new ChannelServices();
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var accepting = silent.AcceptTcpClientAsync();
        var started = Stopwatch.GetTimestamp();

        var result = await Channel(services).SendAsync(
            "mail", Smtp(((IPEndPoint)silent.LocalEndpoint).Port, timeout: TimeSpan.FromSeconds(1)), ChannelSamples.Requested(), CancellationToken.None);

        Assert.Equal(ChannelOutcome.Retry, result.Outcome);
        Assert.Equal("no answer within 1 s while connecting", result.Detail);
        Assert.InRange(Stopwatch.GetElapsedTime(started), TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(4));
        (await accepting).Dispose();
    }

    [Fact]
    public async Task Nothing_listening_is_a_retry()
    {
        await using var services = new ChannelServices();

        var result = await Channel(services).SendAsync("mail", Smtp(Infrastructure.FreePort.Next()), ChannelSamples.Requested(), CancellationToken.None);

        Assert.Equal(ChannelOutcome.Retry, result.Outcome);
    }

    [Fact]
    public async Task StartTls_against_a_server_that_does_not_offer_it_sends_nothing_in_clear()
    {
        await using var services = new ChannelServices();
        await using var server = await ChannelSmtpServer.StartAsync();

        var result = await Channel(services).SendAsync("mail", Smtp(server, security: SmtpSecurity.StartTls), ChannelSamples.Requested(), CancellationToken.None);

        Assert.Equal(ChannelOutcome.Final, result.Outcome);
        Assert.Contains("STARTTLS", result.Detail, StringComparison.Ordinal);
        Assert.Empty(server.Messages);
    }

    [Fact]
    public async Task StartTls_with_a_certificate_the_system_does_not_trust_sends_nothing()
    {
        await using var services = new ChannelServices();
        await using var server = await ChannelSmtpServer.StartAsync(new ChannelSmtpServer.Options(SelfSignedTls: true));

        var result = await Channel(services).SendAsync("mail", Smtp(server, security: SmtpSecurity.StartTls), ChannelSamples.Requested(), CancellationToken.None);

        Assert.Equal(ChannelOutcome.Retry, result.Outcome);
        Assert.StartsWith("TLS failed", result.Detail, StringComparison.Ordinal);
        Assert.Empty(server.Messages);
    }

    private static INotificationChannel Channel(ChannelServices services) => services.Channel(NotificationChannelType.Smtp);

    private static NotificationChannelOptions Smtp(
        ChannelSmtpServer server,
        string[]? to = null,
        SmtpSecurity security = SmtpSecurity.None,
        string? userName = null,
        string? password = null,
        bool carriesCodes = false) =>
        Smtp(server.Port, to, security, userName, password, carriesCodes);

    private static NotificationChannelOptions Smtp(
        int port,
        string[]? to = null,
        SmtpSecurity security = SmtpSecurity.None,
        string? userName = null,
        string? password = null,
        bool carriesCodes = false,
        TimeSpan? timeout = null) => new()
    {
        Type = NotificationChannelType.Smtp,
        Host = "127.0.0.1",
        Port = port,
        Security = security,
        UserName = userName,
        Password = password,
        From = "latch@example.com",
        To = to ?? ["sre@example.com"],
        CarriesCodes = carriesCodes,
        Timeout = timeout ?? TimeSpan.FromSeconds(5),
    };
}
