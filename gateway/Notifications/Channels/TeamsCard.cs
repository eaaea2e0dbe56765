using System.Text;
using System.Text.Json.Nodes;

namespace LatchGateway.Notifications.Channels;

/// <summary>
/// A Teams Workflows webhook message: one Adaptive Card (1.4) with the title, a FactSet (the delivered code first,
/// if any, then the facts) and the commands in monospace. Adaptive Cards read Markdown in text and fact values, so
/// the brackets that make a link (and the backslash) are escaped: a value cannot turn into a disguised link.
/// </summary>
internal static class TeamsCard
{
    public const string ContentType = "application/vnd.microsoft.card.adaptive";
    public const string Schema = "http://adaptivecards.io/schemas/adaptive-card.json";

    public static JsonObject Render(NotificationText text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var facts = new JsonArray();
        if (text.Code is { } code)
        {
            facts.Add(Fact("Code", code.Code));
            if (code.Expires is not null)
            {
                facts.Add(Fact("Code expires", code.Expires));
            }
        }

        foreach (var fact in text.Facts)
        {
            facts.Add(Fact(fact.Label, fact.Value));
        }

        var body = new JsonArray
        {
            new JsonObject
            {
                ["type"] = "TextBlock",
                ["text"] = Escape(text.Title),
                ["size"] = "Medium",
                ["weight"] = "Bolder",
                ["color"] = text.Loud ? "Attention" : "Default",
                ["wrap"] = true,
            },
            new JsonObject { ["type"] = "FactSet", ["facts"] = facts },
        };
        foreach (var command in text.Commands)
        {
            body.Add(new JsonObject { ["type"] = "TextBlock", ["text"] = Escape(command), ["fontType"] = "Monospace", ["wrap"] = true });
        }

        return new JsonObject
        {
            ["type"] = "message",
            ["attachments"] = new JsonArray
            {
                new JsonObject
                {
                    ["contentType"] = ContentType,
                    ["content"] = new JsonObject
                    {
                        ["$schema"] = Schema,
                        ["type"] = "AdaptiveCard",
                        ["version"] = "1.4",
                        ["body"] = body,
                    },
                },
            },
        };
    }

    /// <summary>Escapes <c>\</c>, <c>[</c> and <c>]</c> with a backslash, as CommonMark reads them.</summary>
    public static string Escape(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.AsSpan().IndexOfAny(@"\[]") < 0)
        {
            return value;
        }

        var escaped = new StringBuilder(value.Length + 8);
        foreach (var c in value)
        {
            if (c is '\\' or '[' or ']')
            {
                escaped.Append('\\');
            }

            escaped.Append(c);
        }

        return escaped.ToString();
    }

    private static JsonObject Fact(string title, string value) => new() { ["title"] = Escape(title), ["value"] = Escape(value) };
}
