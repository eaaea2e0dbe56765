using System.CommandLine;
using Latchctl.Api;
using Latchctl.Cli;
using Latchctl.Output;

namespace Latchctl.Commands;

/// <summary><c>latchctl sessions list|end</c>.</summary>
internal static class SessionsCommand
{
    public static Command Create(CommandHost host)
    {
        var sessions = new Command("sessions", "List and end unlock sessions.");
        sessions.Subcommands.Add(List(host));
        sessions.Subcommands.Add(End(host));
        return sessions;
    }

    private static Command List(CommandHost host)
    {
        var route = CommonOptions.Route("Only sessions on this route");
        var user = CommonOptions.User("Only sessions bound to this user");
        var command = new Command("list", "List open unlock sessions, newest first (scope codes:read). Never their tokens.") { route, user };
        command.Aliases.Add("ls");
        host.SetAction(command, Caller.Admin, async (run, cancellationToken) =>
        {
            run.Output.Show(await run.Api.ListSessionsAsync(run.Value(route), run.Value(user), cancellationToken), CodeViews.Sessions);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command End(CommandHost host)
    {
        var id = CommonOptions.Id("The session's id");
        var command = new Command("end", "End an open unlock session at once, on every replica (scope codes:revoke).") { id };
        host.SetAction(command, Caller.Admin, async (run, cancellationToken) =>
        {
            var session = run.Value(id);
            await run.Api.EndSessionAsync(session, cancellationToken);
            run.Output.Note($"Ended session {session}.");
            return ExitCodes.Success;
        });
        return command;
    }
}
