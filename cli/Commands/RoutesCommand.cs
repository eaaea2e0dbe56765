using System.CommandLine;
using Latchctl.Api;
using Latchctl.Cli;
using Latchctl.Output;

namespace Latchctl.Commands;

/// <summary><c>latchctl routes</c>: the proxy routes and which are latched.</summary>
internal static class RoutesCommand
{
    public static Command Create(CommandHost host)
    {
        var command = new Command("routes", "List the proxy routes and whether each is latched (scope codes:read).");
        host.SetAction(command, Caller.Admin, async (run, cancellationToken) =>
        {
            run.Output.Show(await run.Api.ListRoutesAsync(cancellationToken), CodeViews.Routes);
            return ExitCodes.Success;
        });
        return command;
    }
}
