using System.Text.Json.Nodes;

namespace LatchGateway.Notifications.Channels;

/// <summary>
/// A Slack incoming-webhook message: <c>text</c> (the title, what notifications and old clients show) and
/// <c>blocks</c> — the title, the delivered code if any, the facts as section fields, the commands as context.
/// Every value is escaped for mrkdwn (<c>&amp;</c>, <c>&lt;</c>, <c>&gt;</c>), so no value can become a link or a
/// mention such as <c>&lt;!channel&gt;</c>.
/// </summary>
internal static class SlackMessage
{
    // Slack takes at most 10 fields per section and 10 elements per context block.
    private const int MostPerBlock = 10;

    public static JsonObject Render(NotificationText text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var title = Escape(text.Title);
        var blocks = new JsonArray { Section(text.Loud ? $":rotating_light: *{title}*" : $"*{title}*") };
        if (text.Code is { } code)
        {
            blocks.Add(Section(code.Expires is null
                ? $"Your code: `{Escape(code.Code)}`"
                : $"Your code: `{Escape(code.Code)}`\nIt expires {Escape(code.Expires)}."));
        }

        foreach (var facts in text.Facts.Chunk(MostPerBlock))
        {
            var fields = new JsonArray();
            foreach (var fact in facts)
            {
                fields.Add(Mrkdwn($"*{Escape(fact.Label)}*\n{Escape(fact.Value)}"));
            }

            blocks.Add(new JsonObject { ["type"] = "section", ["fields"] = fields });
        }

        foreach (var commands in text.Commands.Chunk(MostPerBlock))
        {
            var elements = new JsonArray();
            foreach (var command in commands)
            {
                elements.Add(Mrkdwn($"`{Escape(command)}`"));
            }

            blocks.Add(new JsonObject { ["type"] = "context", ["elements"] = elements });
        }

        return new JsonObject
        {
            ["text"] = title,
            ["blocks"] = blocks,
            ["unfurl_links"] = false,
            ["unfurl_media"] = false,
        };
    }

    /// <summary>Slack's mrkdwn escaping: <c>&amp;</c>, <c>&lt;</c> and <c>&gt;</c> as entities, the rest as it is.</summary>
    public static string Escape(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Replace("&", "&amp;", StringComparison.Ordinal)
            .Replace("<", "&lt;", StringComparison.Ordinal)
            .Replace(">", "&gt;", StringComparison.Ordinal);
    }

    private static JsonObject Section(string mrkdwn) => new() { ["type"] = "section", ["text"] = Mrkdwn(mrkdwn) };

    private static JsonObject Mrkdwn(string text) => new() { ["type"] = "mrkdwn", ["text"] = text };
}
