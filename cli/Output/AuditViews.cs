using System.Globalization;
using Latchctl.Api;
using Spectre.Console;
using Spectre.Console.Rendering;
using static Latchctl.Output.Tables;

namespace Latchctl.Output;

/// <summary>The audit trail: a table of a search, and one line per event while following.</summary>
internal static class AuditViews
{
    private static readonly int[] FollowWidths = [8, 16, 14, 12, 20, 15, 12];

    public static IRenderable Events(IReadOnlyList<AuditEvent> events, DateTimeOffset now)
    {
        if (events.Count == 0)
        {
            return None("audit events");
        }

        var table = New("TIME", "TYPE", "ROUTE", "USER", "CODE ID", "CLIENT IP", "ACTOR", "REASON");
        foreach (var audit in events)
        {
            Row(table, When(audit.Time, now), Cell(audit.Type, TypeStyle(audit.Type)), Cell(audit.Route), Cell(audit.User), Cell(audit.CodeId), Cell(audit.ClientIp), Cell(audit.Actor), Cell(audit.Reason));
        }

        return table;
    }

    /// <summary>The header of <c>audit --follow</c>; each event then comes as one <see cref="FollowLine"/> under it.</summary>
    public static IRenderable FollowHeader() =>
        Line(["TIME", "TYPE", "ROUTE", "USER", "CODE ID", "CLIENT IP", "ACTOR", "REASON"], header: true);

    /// <summary>
    /// One event as it arrives, in fixed columns under <see cref="FollowHeader"/>. The time is the local clock time of
    /// the event: a relative one would be stale as soon as it is printed.
    /// </summary>
    public static IRenderable FollowLine(AuditEvent audit, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(audit);
        var local = TimeZoneInfo.ConvertTime(audit.Time, zone).ToString("HH:mm:ss", CultureInfo.InvariantCulture);
        var grid = Line([local, audit.Type, audit.Route, audit.User, audit.CodeId, audit.ClientIp, audit.Actor, audit.Reason], header: false);
        return grid;
    }

    public static Style TypeStyle(string? type) => type switch
    {
        "rejected" or "locked_out" or "access_denied" or "notification_failed" => new Style(Color.Red),
        "break_glass" => new Style(Color.Red, decoration: Decoration.Bold),
        "accepted" or "session_opened" or "access_granted" => new Style(Color.Green),
        "issued" or "access_approved" => new Style(Color.Blue),
        "revoked" or "session_ended" or "access_expired" or "access_cancelled" or "lockout_ended" => new Style(Color.Grey),
        _ => Style.Plain,
    };

    private static Grid Line(string?[] values, bool header)
    {
        var grid = new Grid();
        foreach (var width in FollowWidths)
        {
            grid.AddColumn(new GridColumn().Width(width).NoWrap().PadRight(1));
        }

        grid.AddColumn(new GridColumn());
        var cells = new IRenderable[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            // Fixed columns cut a long value short (the JSON output has it whole); the reason, last, wraps.
            var text = header
                ? new Text(values[i] ?? "", new Style(decoration: Decoration.Bold))
                : new Text(string.IsNullOrEmpty(values[i]) ? "-" : values[i]!, i == 1 ? TypeStyle(values[i]) : Style.Plain);
            cells[i] = i < FollowWidths.Length ? text.Overflow(Overflow.Ellipsis) : text;
        }

        grid.AddRow(cells);
        return grid;
    }
}
