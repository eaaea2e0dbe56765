using System.Globalization;
using Latchctl.Api;
using Latchctl.Cli;
using Spectre.Console;
using Spectre.Console.Rendering;
using static Latchctl.Output.Tables;

namespace Latchctl.Output;

/// <summary>Access requests: a table of a listing, and one request in full.</summary>
internal static class AccessViews
{
    public static IRenderable Requests(IReadOnlyList<AccessRequest> requests, DateTimeOffset now)
    {
        if (requests.Count == 0)
        {
            return None("access requests");
        }

        var table = New("ID", "ROUTE", "REQUESTER", "STATE", "APPROVALS", "CREATED", "EXPIRES", "REASON");
        foreach (var request in requests)
        {
            Row(
                table,
                Cell(request.Id),
                Cell(request.Route),
                Cell(request.Requester),
                State(request),
                Cell(Approvals(request)),
                When(request.CreatedAt, now),
                When(request.ExpiresAt, now),
                Cell(request.Reason));
        }

        return table;
    }

    public static IRenderable Request(AccessRequest request, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        var approvals = request.Approvals ?? [];
        var fields = new List<(string, IRenderable)>
        {
            ("Id", Cell(request.Id)),
            ("Route", Cell(request.Route)),
            ("Requester", Cell(request.Requester)),
            ("State", State(request)),
            ("Reason", Cell(request.Reason)),
            ("Code lifetime", Cell(Duration.Format(TimeSpan.FromSeconds(request.TtlSeconds)))),
            ("Session", Cell(request.SessionSeconds is { } session ? Duration.Format(TimeSpan.FromSeconds(session)) : null)),
            ("IP", Cell(request.Ip)),
            ("Created", When(request.CreatedAt, now)),
            (request.State switch { AccessStates.Pending => "Expires", AccessStates.Granted => "Pick up before", _ => "Deadline" }, When(request.ExpiresAt, now)),
            ("Approvals", Cell(Approvals(request))),
        };
        fields.AddRange(approvals.Select(a => ("", (IRenderable)Cell($"{a.By}, {RelativeTime.Format(a.At, now)}{(a.Reason is null ? "" : ": " + a.Reason)}"))));
        if (request.DecidedBy is not null || request.DecisionReason is not null)
        {
            fields.Add(("Decided by", Cell(request.DecidedBy)));
            fields.Add(("Decision", Cell(request.DecisionReason)));
        }

        if (request.CodeId is not null)
        {
            fields.Add(("Code id", Cell(request.CodeId)));
        }

        return Record([.. fields]);
    }

    public static IRenderable State(AccessRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var text = request.BreakGlass ? $"{request.State} (break-glass)" : request.State;
        return Cell(text, request.State switch
        {
            AccessStates.Pending => new Style(Color.Yellow),
            AccessStates.Granted => new Style(Color.Green, decoration: Decoration.Bold),
            AccessStates.Issued => new Style(Color.Green),
            AccessStates.Denied => new Style(Color.Red),
            _ => new Style(Color.Grey),
        });
    }

    private static string Approvals(AccessRequest request) =>
        string.Create(CultureInfo.InvariantCulture, $"{request.Approvals?.Count ?? 0}/{request.ApprovalsNeeded}");
}
