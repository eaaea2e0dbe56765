using System.CommandLine;
using Latchctl.Api;
using Latchctl.Cli;
using Latchctl.Output;

namespace Latchctl.Commands;

/// <summary><c>latchctl codes issue|list|show|revoke</c>.</summary>
internal static class CodesCommand
{
    /// <summary>The page size when every code is listed: the API's largest, for the fewest round trips.</summary>
    private const int PageSize = 1000;

    public static Command Create(CommandHost host)
    {
        var codes = new Command("codes", "Issue, list, show and revoke latch codes.");
        codes.Subcommands.Add(Issue(host));
        codes.Subcommands.Add(List(host));
        codes.Subcommands.Add(Show(host));
        codes.Subcommands.Add(Revoke(host));
        return codes;
    }

    private static Command Issue(CommandHost host)
    {
        var route = CommonOptions.Route("The latched route the code opens", required: true);
        var user = CommonOptions.User("Bind the code to this user");
        var ip = CommonOptions.Ip("Bind the code to this client address or CIDR range");
        var ttl = Duration.Option("--ttl", "How long the code lives, e.g. 2m [default: the gateway's, 2m]");
        var session = Duration.Option("--session", "On a Session route: a shorter session than the route's, e.g. 15m");
        var reason = CommonOptions.Reason("Why (ticket, incident); kept with the code and in the audit trail");
        var quiet = CommonOptions.Quiet("Print only the code: CODE=$(latchctl codes issue -q --route R)");
        var command = new Command("issue", "Issue a code (scope codes:issue). The answer is the only place the code ever appears.")
        {
            route, user, ip, ttl, session, reason, quiet,
        };
        host.SetAction(command, Caller.Admin, async (run, cancellationToken) =>
        {
            var body = new IssueCodeBody(
                run.Value(route)!, run.Value(user), run.Value(ip), Duration.Seconds(run.Value(ttl)), Duration.Seconds(run.Value(session)), run.Value(reason));
            CodeViews.WriteIssued(run.Output, await run.Api.IssueCodeAsync(body, cancellationToken), run.Value(quiet));
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command List(CommandHost host)
    {
        var route = CommonOptions.Route("Only codes for this route");
        var user = CommonOptions.User("Only codes bound to this user");
        var limit = CommonOptions.Limit("At most this many codes, newest first (1-1000) [default: every live code, page after page]");
        var command = new Command("list", "List live codes, newest first (scope codes:read). Never the codes themselves.") { route, user, limit };
        command.Aliases.Add("ls");
        host.SetAction(command, Caller.Admin, async (run, cancellationToken) =>
        {
            var first = await run.Api.ListCodesAsync(run.Value(route), run.Value(user), run.Value(limit) ?? PageSize, cancellationToken);
            run.Output.Show(run.Value(limit) is null ? await FollowAsync(run.Api, first, cancellationToken) : first, CodeViews.Codes);
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Every page from <paramref name="first"/> on, by its <c>Link: rel="next"</c>, as one list and one JSON array.</summary>
    private static async Task<ApiResult<List<CodeInfo>>> FollowAsync(LatchApiClient api, ApiResult<List<CodeInfo>> first, CancellationToken cancellationToken)
    {
        var pages = new List<ApiResult<List<CodeInfo>>> { first };
        for (var next = first.Next; next is not null; next = pages[^1].Next)
        {
            pages.Add(await api.ListCodesAsync(next, cancellationToken));
        }

        return pages.Count == 1 ? first : new ApiResult<List<CodeInfo>>([.. pages.SelectMany(p => p.Value)], LatchJson.Concat(pages.Select(p => p.Json)));
    }

    private static Command Show(CommandHost host)
    {
        var id = CommonOptions.Id("The code's id");
        var command = new Command("show", "Show a live code's metadata (scope codes:read).") { id };
        host.SetAction(command, Caller.Admin, async (run, cancellationToken) =>
        {
            run.Output.Show(await run.Api.GetCodeAsync(run.Value(id), cancellationToken), CodeViews.Code);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Revoke(CommandHost host)
    {
        var id = CommonOptions.Id("The code's id");
        var command = new Command("revoke", "Revoke a live code, and end every unlock session it opened (scope codes:revoke).") { id };
        host.SetAction(command, Caller.Admin, async (run, cancellationToken) =>
        {
            var code = run.Value(id);
            await run.Api.RevokeCodeAsync(code, cancellationToken);
            run.Output.Note($"Revoked code {code}.");
            return ExitCodes.Success;
        });
        return command;
    }
}
