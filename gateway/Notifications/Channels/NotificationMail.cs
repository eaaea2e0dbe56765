using System.Net;
using System.Text;
using MimeKit;

namespace LatchGateway.Notifications.Channels;

/// <summary>
/// The e-mail of a notification: its recipients (<c>{requester.email}</c> resolved), and a message whose subject is
/// the title, with a plain-text and an HTML part (every value HTML-encoded). Its Message-ID is made from the
/// notification's id, the same on every attempt, so a repeat can be recognised.
/// </summary>
internal static class NotificationMail
{
    /// <summary>
    /// The channel's recipients, <c>{requester.email}</c> standing for the requester's address; an entry that does
    /// not resolve to one plain address is left out. Each address once.
    /// </summary>
    public static List<MailboxAddress> Recipients(NotificationChannelOptions channel, NotificationData data)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(data);
        var recipients = new List<MailboxAddress>();
        foreach (var entry in channel.To ?? [])
        {
            var address = entry == LatchNotificationOptionsValidator.RequesterEmail ? data.RequesterEmail : entry;
            if (Address(address) is { } mailbox && !recipients.Exists(r => string.Equals(r.Address, mailbox.Address, StringComparison.OrdinalIgnoreCase)))
            {
                recipients.Add(mailbox);
            }
        }

        return recipients;
    }

    /// <summary>One plain address (no display name, no list), or null.</summary>
    public static MailboxAddress? Address(string? text)
    {
        var trimmed = text?.Trim();
        return !string.IsNullOrEmpty(trimmed) && MailboxAddress.TryParse(trimmed, out var mailbox) && mailbox.Address == trimmed && !string.IsNullOrEmpty(mailbox.Domain)
            ? new MailboxAddress(null, trimmed)
            : null;
    }

    public static MimeMessage Compose(MailboxAddress from, IReadOnlyList<MailboxAddress> to, Notification notification, NotificationText text, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(notification);
        ArgumentNullException.ThrowIfNull(text);
        var message = new MimeMessage
        {
            Subject = text.Title,
            Date = now,
            MessageId = $"{notification.Id}@{from.Domain}",
        };
        message.From.Add(from);
        message.To.AddRange(to);
        message.Body = new BodyBuilder { TextBody = PlainText(text), HtmlBody = Html(text) }.ToMessageBody();
        return message;
    }

    public static string PlainText(NotificationText text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var body = new StringBuilder().AppendLine(text.Title).AppendLine();
        if (text.Code is { } code)
        {
            body.Append("Your code: ").AppendLine(code.Code);
            if (code.Expires is not null)
            {
                body.Append("It expires ").Append(code.Expires).AppendLine(".");
            }

            body.AppendLine();
        }

        var width = text.Facts.Count == 0 ? 0 : text.Facts.Max(f => f.Label.Length) + 2;
        foreach (var fact in text.Facts)
        {
            body.Append((fact.Label + ":").PadRight(width)).AppendLine(fact.Value);
        }

        if (text.Commands.Count > 0)
        {
            body.AppendLine().AppendLine("To act on it:");
            foreach (var command in text.Commands)
            {
                body.Append("  ").AppendLine(command);
            }
        }

        return body.ToString();
    }

    public static string Html(NotificationText text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var html = new StringBuilder()
            .Append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>").Append(Encode(text.Title)).Append("</title></head>")
            .Append("<body style=\"font-family:sans-serif\">")
            .Append(text.Loud ? "<h2 style=\"color:#b00020\">" : "<h2>").Append(Encode(text.Title)).Append("</h2>");
        if (text.Code is { } code)
        {
            html.Append("<p>Your code: <code style=\"font-size:1.4em\">").Append(Encode(code.Code)).Append("</code>");
            if (code.Expires is not null)
            {
                html.Append("<br>It expires ").Append(Encode(code.Expires)).Append('.');
            }

            html.Append("</p>");
        }

        if (text.Facts.Count > 0)
        {
            html.Append("<table>");
            foreach (var fact in text.Facts)
            {
                html.Append("<tr><th align=\"left\">").Append(Encode(fact.Label)).Append("</th><td>").Append(Encode(fact.Value)).Append("</td></tr>");
            }

            html.Append("</table>");
        }

        if (text.Commands.Count > 0)
        {
            html.Append("<p>To act on it:</p><pre>");
            html.AppendJoin('\n', text.Commands.Select(Encode));
            html.Append("</pre>");
        }

        return html.Append("</body></html>").ToString();
    }

    private static string Encode(string value) => WebUtility.HtmlEncode(value);
}
