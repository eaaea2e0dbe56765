using System.CommandLine;
using System.Text;
using Latchctl.Api;
using Latchctl.Cli;
using Latchctl.Output;

namespace Latchctl.Commands;

/// <summary><c>latchctl audit [--follow]</c> and <c>latchctl audit export</c>.</summary>
internal static class AuditCommand
{
    public static Command Create(CommandHost host)
    {
        var route = CommonOptions.Route("Only events on this route");
        var user = CommonOptions.User("Only events of this user");
        var type = new Option<string?>("--type", "-t") { Description = "Only events of this type (issued, rejected, access_requested, …)", HelpName = "type" };
        type.CompletionSources.Add(CommonOptions.AuditTypes);
        var since = PointInTime.Option("--since", "Only events since this time: a duration back from now (1h, 15m) or an ISO 8601 time");
        var limit = CommonOptions.Limit("At most this many events, newest first (1-1000) [default: the gateway's, 100]");
        var follow = new Option<bool>("--follow", "-f")
        {
            Description = "Print the matching events, oldest first, then each new one as it arrives, until Ctrl+C",
        };
        var audit = new Command("audit", "Search the audit trail, newest first, or follow it (scope audit:read).")
        {
            route, user, type, since, limit, follow,
        };
        host.SetAction(audit, Caller.Admin, (run, cancellationToken) =>
        {
            var query = new AuditQuery(run.Value(route), run.Value(user), run.Value(type), run.Value(since)?.Resolve(run.Output.Now), run.Value(limit));
            return run.Value(follow) ? AuditFollower.RunAsync(run, query, cancellationToken) : SearchAsync(run, query, cancellationToken);
        });
        audit.Subcommands.Add(Export(host));
        return audit;
    }

    private static async Task<int> SearchAsync(Invocation run, AuditQuery query, CancellationToken cancellationToken)
    {
        run.Output.Show(await run.Api.QueryAuditAsync(query, cancellationToken), AuditViews.Events);
        return ExitCodes.Success;
    }

    private static Command Export(CommandHost host)
    {
        var since = PointInTime.Option("--since", "From this time (inclusive): a duration back from now (30d) or an ISO 8601 time");
        var until = PointInTime.Option("--until", "Up to this time (exclusive): a duration back from now or an ISO 8601 time");
        var format = new Option<string?>("--format") { Description = "jsonl (JSON lines) or csv [default: jsonl]", HelpName = "jsonl|csv" };
        format.AcceptOnlyFromAmong("jsonl", "csv");
        var file = new Option<string?>("--output-file", "-o") { Description = "Write to this file instead of stdout", HelpName = "file" };
        var command = new Command("export", "Export every event in a time range, oldest first, as JSON lines or CSV (scope audit:read).")
        {
            since, until, format, file,
        };
        host.SetAction(command, Caller.Admin, async (run, cancellationToken) =>
        {
            var now = run.Output.Now;
            var export = new AuditExport(run.Value(since)?.Resolve(now), run.Value(until)?.Resolve(now), run.Value(format));
            var path = run.Value(file);
            StreamWriter? writer = null;
            try
            {
                await run.Api.ExportAuditAsync(export, () => path is null ? run.Output.Out : writer = Create(path), cancellationToken);
            }
            catch (IOException exception) when (path is not null)
            {
                throw new UsageException($"Cannot write '{path}': {exception.Message}");
            }
            finally
            {
                if (writer is not null)
                {
                    await writer.DisposeAsync();
                }
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static StreamWriter Create(string path)
    {
        try
        {
            return new StreamWriter(path, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new UsageException($"Cannot write '{path}': {exception.Message}");
        }
    }
}
