using Latchctl.Api;
using Spectre.Console;
using Spectre.Console.Rendering;
using static Latchctl.Output.Tables;

namespace Latchctl.Output;

/// <summary>Tables of routes, codes and sessions.</summary>
internal static class CodeViews
{
    private static readonly Style CodeStyle = new(Color.Green, decoration: Decoration.Bold);

    public static IRenderable Routes(IReadOnlyList<RouteInfo> routes, DateTimeOffset now)
    {
        if (routes.Count == 0)
        {
            return None("routes");
        }

        var table = New("ROUTE", "LATCHED", "PATH");
        foreach (var route in routes)
        {
            Row(table, Cell(route.Id), Cell(route.Latch ? "yes" : "no", route.Latch ? new Style(Color.Yellow) : Style.Plain), Cell(route.Path));
        }

        return table;
    }

    public static IRenderable Issued(IssuedCode code, DateTimeOffset now) => Record(
        ("Code", Cell(code.Code, CodeStyle)),
        ("Id", Cell(code.Id)),
        ("Route", Cell(code.Route)),
        ("User", Cell(code.User)),
        ("IP", Cell(code.Ip)),
        ("Expires", When(code.ExpiresAt, now)),
        ("Issued", When(code.IssuedAt, now)),
        ("Issued by", Cell(code.IssuedBy)),
        ("Reason", Cell(code.Reason)));

    /// <summary>An issued code: the issue response, or with <c>-q</c> the code alone.</summary>
    public static void WriteIssued(CommandOutput output, ApiResult<IssuedCode> issued, bool quiet)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(issued);
        if (quiet)
        {
            output.Out.WriteLine(issued.Value.Code);
        }
        else
        {
            output.Show(issued, Issued);
        }
    }

    public static IRenderable Code(CodeInfo code, DateTimeOffset now) => Record(
        ("Id", Cell(code.Id)),
        ("Route", Cell(code.Route)),
        ("User", Cell(code.User)),
        ("IP", Cell(code.Ip)),
        ("Expires", When(code.ExpiresAt, now)),
        ("Issued", When(code.IssuedAt, now)),
        ("Issued by", Cell(code.IssuedBy)),
        ("Reason", Cell(code.Reason)));

    public static IRenderable Codes(IReadOnlyList<CodeInfo> codes, DateTimeOffset now)
    {
        if (codes.Count == 0)
        {
            return None("live codes");
        }

        var table = New("ID", "ROUTE", "USER", "IP", "ISSUED", "EXPIRES", "ISSUED BY", "REASON");
        foreach (var code in codes)
        {
            Row(table, Cell(code.Id), Cell(code.Route), Cell(code.User), Cell(code.Ip), When(code.IssuedAt, now), When(code.ExpiresAt, now), Cell(code.IssuedBy), Cell(code.Reason));
        }

        return table;
    }

    public static IRenderable Sessions(IReadOnlyList<SessionInfo> sessions, DateTimeOffset now)
    {
        if (sessions.Count == 0)
        {
            return None("open sessions");
        }

        var table = New("ID", "ROUTE", "USER", "CLIENT IP", "CODE ID", "OPENED", "EXPIRES");
        foreach (var session in sessions)
        {
            Row(table, Cell(session.Id), Cell(session.Route), Cell(session.User), Cell(session.ClientIp), Cell(session.CodeId), When(session.OpenedAt, now), When(session.ExpiresAt, now));
        }

        return table;
    }
}
