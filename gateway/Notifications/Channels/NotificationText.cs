using System.Globalization;
using System.Text;
using LatchGateway.Contracts;

namespace LatchGateway.Notifications.Channels;

/// <summary>
/// What every channel says about a notification, in plain text: a one-line title, the facts, the <c>latchctl</c>
/// command lines that act on it, and — only in a policy's code delivery, to a channel with <c>CarriesCodes</c> — the
/// code and its expiry. The wording lives here once; channels only lay it out and escape it for their format.
/// Values are made single-line and cut to a sensible length, so a requester's reason cannot reshape a message.
/// </summary>
/// <param name="Title">One line: <c>alice asks for access to orders-admin</c>; break-glass starts with <c>BREAK-GLASS:</c>.</param>
/// <param name="Facts">The details, in order, only those the event has.</param>
/// <param name="Commands">The command lines to act on it, if any.</param>
/// <param name="Code">The delivered code, only when the notification has one and the channel may carry it.</param>
/// <param name="Loud">Whether the message should stand out (break-glass).</param>
internal sealed record NotificationText(
    string Title,
    IReadOnlyList<NotificationFact> Facts,
    IReadOnlyList<string> Commands,
    DeliveredCode? Code,
    bool Loud)
{
    private const int LongestValue = 500;

    /// <summary>The text of <paramref name="notification"/>; its code only when <paramref name="carriesCodes"/>.</summary>
    public static NotificationText For(Notification notification, bool carriesCodes)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var data = notification.Data;
        var code = carriesCodes && !string.IsNullOrEmpty(data.Code) ? new DeliveredCode(data.Code.Trim(), Time(data.ExpiresAt)) : null;
        return new NotificationText(
            TitleOf(notification.Type, data, code is not null),
            FactsOf(notification.Type, data, code is not null),
            CommandsOf(notification.Type, data, code is not null),
            code,
            notification.Type == NotificationEvents.AccessBreakGlass);
    }

    private static string TitleOf(string type, NotificationData data, bool delivered)
    {
        var requester = Clean(data.Requester) ?? "someone";
        var route = Clean(data.Route) ?? "a route";
        return type switch
        {
            NotificationEvents.AccessRequested => $"{requester} asks for access to {route}",
            NotificationEvents.AccessGranted when delivered => $"Your access to {route} is granted: here is your code",
            NotificationEvents.AccessGranted => $"{requester} is granted access to {route}",
            NotificationEvents.AccessDenied => $"{requester} is denied access to {route}",
            NotificationEvents.AccessExpired => $"The request of {requester} for access to {route} expired",
            NotificationEvents.AccessBreakGlass => $"BREAK-GLASS: {requester} granted themselves access to {route}",
            NotificationEvents.CodeReplayed => $"Used code {Clean(data.CodeId) ?? "?"} presented again on {route}",
            NotificationEvents.Lockout => $"Lockout: {LockedOut(data)} locked out after repeated refusals",
            NotificationEvents.SessionOpened => $"Session opened on {route} with code {Clean(data.CodeId) ?? "?"}",
            NotificationEvents.Test => "Test message from LatchGateway",
            _ => Clean(type) ?? "Notification",
        };
    }

    private static string LockedOut(NotificationData data) => data.Subject switch
    {
        "user" => $"user {Clean(data.User) ?? "?"}",
        "admin_api_key" => $"admin API client {Clean(data.ClientIp) ?? "?"}",
        _ => $"client {Clean(data.ClientIp) ?? "?"}",
    };

    private static List<NotificationFact> FactsOf(string type, NotificationData data, bool delivered)
    {
        var facts = new List<NotificationFact>();
        Add(facts, "Request", data.RequestId);
        Add(facts, "Route", data.Route);
        Add(facts, "Requester", data.Requester);
        Add(facts, "Reason", data.Reason);
        Add(facts, "State", data.State);
        if (data.ApprovalsNeeded is { } needed)
        {
            var by = data.ApprovedBy ?? [];
            Add(facts, "Approvals", by.Count == 0
                ? $"{by.Count} of {needed}"
                : $"{by.Count} of {needed} ({string.Join(", ", by.Select(b => Clean(b) ?? "?"))})");
        }

        Add(facts, "Decided by", data.DecidedBy);
        Add(facts, "Decision reason", data.DecisionReason);
        // A delivered code's expiry is shown with the code itself; a request whose code went out has no deadline left.
        if (!delivered && data.State != "issued")
        {
            Add(facts, type switch
            {
                NotificationEvents.AccessRequested => "Pending until",
                NotificationEvents.AccessGranted or NotificationEvents.AccessBreakGlass => "Pick up by",
                _ => "Deadline",
            }, Time(data.ExpiresAt));
        }

        Add(facts, "Code id", data.CodeId);
        Add(facts, "Session", data.SessionId);
        Add(facts, "Client IP", data.ClientIp);
        Add(facts, "User", data.User);
        return facts;
    }

    private static List<string> CommandsOf(string type, NotificationData data, bool delivered)
    {
        var id = Clean(data.RequestId);
        var route = Clean(data.Route);
        var commands = new List<string>();
        switch (type)
        {
            case NotificationEvents.AccessRequested when id is not null:
                commands.Add($"latchctl requests approve {id}");
                commands.Add($"latchctl requests deny {id} --reason \"…\"");
                break;
            case NotificationEvents.AccessGranted when id is not null && !delivered && data.State != "issued":
                commands.Add($"latchctl requests pickup {id}");
                break;
            case NotificationEvents.AccessBreakGlass:
                if (id is not null)
                {
                    commands.Add($"latchctl requests show {id}");
                }

                commands.Add(Audit(AuditEventTypes.BreakGlass, route));
                break;
            case NotificationEvents.AccessDenied or NotificationEvents.AccessExpired when id is not null:
                commands.Add($"latchctl requests show {id}");
                break;
            case NotificationEvents.CodeReplayed:
                commands.Add(Audit(AuditEventTypes.Rejected, route));
                break;
            case NotificationEvents.Lockout:
                commands.Add(Audit(AuditEventTypes.LockedOut, route));
                break;
            case NotificationEvents.SessionOpened when Clean(data.SessionId) is { } session:
                commands.Add($"latchctl sessions end {session}");
                break;
        }

        return commands;
    }

    private static string Audit(string type, string? route) =>
        route is null ? $"latchctl audit --type {type} --since 1h" : $"latchctl audit --type {type} --route {route} --since 1h";

    private static void Add(List<NotificationFact> facts, string label, string? value)
    {
        if (Clean(value) is { } clean)
        {
            facts.Add(new NotificationFact(label, clean));
        }
    }

    private static string? Time(DateTimeOffset? time) =>
        time?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>The value on one line (control characters become spaces), trimmed and cut to a sensible length; null when empty.</summary>
    private static string? Clean(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var text = new StringBuilder(Math.Min(value.Length, LongestValue + 1));
        foreach (var c in value)
        {
            if (text.Length == LongestValue)
            {
                if (char.IsHighSurrogate(text[^1]))
                {
                    text.Length--;
                }

                text.Append('…');
                break;
            }

            text.Append(char.IsControl(c) ? ' ' : c);
        }

        return text.ToString().Trim();
    }
}
