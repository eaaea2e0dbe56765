using System.CommandLine;
using Latchctl.Api;
using Latchctl.Cli;
using Latchctl.Output;

namespace Latchctl.Commands;

/// <summary>
/// <c>latchctl requests create|list|show|approve|deny|cancel|pickup</c>: access requests, as a person with a JWT
/// (<c>LATCH_TOKEN</c>); an API key with <c>access:read</c> may list and show them.
/// </summary>
internal static class RequestsCommand
{
    public static Command Create(CommandHost host)
    {
        var requests = new Command("requests", "Ask for access to a latched route, review requests, pick up the code (with your JWT in LATCH_TOKEN).");
        requests.Subcommands.Add(CreateRequest(host));
        requests.Subcommands.Add(List(host));
        requests.Subcommands.Add(Show(host));
        requests.Subcommands.Add(Approve(host));
        requests.Subcommands.Add(Deny(host));
        requests.Subcommands.Add(Cancel(host));
        requests.Subcommands.Add(PickUp(host));
        return requests;
    }

    private static Command CreateRequest(CommandHost host)
    {
        var route = CommonOptions.Route("The latched route you need", required: true);
        var reason = CommonOptions.Reason("Why (ticket, incident); most policies require one, break-glass always does");
        var ttl = Duration.Option("--ttl", "How long the code should live once picked up, e.g. 2m [default: the policy's]");
        var session = Duration.Option("--session", "On a Session route: a shorter session than the route's, e.g. 15m");
        var ip = CommonOptions.Ip("Bind the code to this client address or CIDR range too");
        var breakGlass = new Option<bool>("--break-glass")
        {
            Description = "Grant it yourself at once, where the policy allows: audited, and every approver is told",
        };
        var wait = new Option<bool>("--wait", "-w")
        {
            Description = "Wait for the decision, then pick up the code (exit 1 if denied, expired or cancelled)",
        };
        var quiet = CommonOptions.Quiet("Print only the request's id; with --wait, only the code");
        var command = new Command("create", "Ask for access to a latched route (a requester of its policy).")
        {
            route, reason, ttl, session, ip, breakGlass, wait, quiet,
        };
        host.SetAction(command, Caller.Person, async (run, cancellationToken) =>
        {
            var body = new NewAccessRequestBody(
                run.Value(route)!,
                run.Value(reason),
                Duration.Seconds(run.Value(ttl)),
                Duration.Seconds(run.Value(session)),
                run.Value(ip),
                run.Value(breakGlass) ? true : null);
            var created = await run.Api.CreateRequestAsync(body, cancellationToken);
            if (run.Value(wait))
            {
                return await RequestWaiter.WaitAndPickUpAsync(run, created.Value, run.Value(quiet), cancellationToken);
            }

            if (run.Value(quiet))
            {
                run.Output.Out.WriteLine(created.Value.Id);
            }
            else
            {
                run.Output.Show(created, AccessViews.Request);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static Command List(CommandHost host)
    {
        var mine = new Option<bool>("--mine") { Description = "Only your own requests" };
        var reviewable = new Option<bool>("--reviewable") { Description = "Only pending requests you may still approve" };
        var state = CommonOptions.State();
        var route = CommonOptions.Route("Only requests for this route");
        var limit = CommonOptions.Limit("At most this many, newest first (1-1000) [default: the gateway's, 100]");
        var command = new Command("list", "List access requests, newest first: yours and those you may review (all of them with an access:read API key).")
        {
            mine, reviewable, state, route, limit,
        };
        command.Aliases.Add("ls");
        command.Validators.Add(result =>
        {
            if (result.GetValue(mine) && result.GetValue(reviewable))
            {
                result.AddError("Give --mine or --reviewable, not both.");
            }
        });
        host.SetAction(command, Caller.Person, async (run, cancellationToken) =>
        {
            var query = new AccessRequestQuery(run.Value(state), run.Value(route), run.Value(mine), run.Value(reviewable), run.Value(limit));
            run.Output.Show(await run.Api.ListRequestsAsync(query, cancellationToken), AccessViews.Requests);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Show(CommandHost host)
    {
        var id = CommonOptions.Id("The request's id");
        var command = new Command("show", "Show one access request (its requester, its route's approvers, or access:read).") { id };
        host.SetAction(command, Caller.Person, async (run, cancellationToken) =>
        {
            run.Output.Show(await run.Api.GetRequestAsync(run.Value(id), cancellationToken), AccessViews.Request);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Approve(CommandHost host)
    {
        var id = CommonOptions.Id("The request's id");
        var reason = CommonOptions.Reason("Why, if you like");
        var command = new Command("approve", "Approve a pending request (an approver of its route who is not its requester, once).") { id, reason };
        host.SetAction(command, Caller.Person, async (run, cancellationToken) =>
        {
            run.Output.Show(await run.Api.ApproveRequestAsync(run.Value(id), run.Value(reason), cancellationToken), AccessViews.Request);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Deny(CommandHost host)
    {
        var id = CommonOptions.Id("The request's id");
        var reason = CommonOptions.Reason("Why it is denied", required: true);
        var command = new Command("deny", "Deny a pending request (an approver of its route who is not its requester); the first denial decides.") { id, reason };
        host.SetAction(command, Caller.Person, async (run, cancellationToken) =>
        {
            run.Output.Show(await run.Api.DenyRequestAsync(run.Value(id), run.Value(reason)!, cancellationToken), AccessViews.Request);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Cancel(CommandHost host)
    {
        var id = CommonOptions.Id("The request's id");
        var command = new Command("cancel", "Withdraw your pending request.") { id };
        host.SetAction(command, Caller.Person, async (run, cancellationToken) =>
        {
            run.Output.Show(await run.Api.CancelRequestAsync(run.Value(id), cancellationToken), AccessViews.Request);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command PickUp(CommandHost host)
    {
        var id = CommonOptions.Id("The request's id");
        var quiet = CommonOptions.Quiet("Print only the code: CODE=$(latchctl requests pickup -q ID)");
        var command = new Command("pickup", "Pick up the code of your granted request (once, within the pickup window); its lifetime starts now.") { id, quiet };
        host.SetAction(command, Caller.Person, async (run, cancellationToken) =>
        {
            var issued = await run.Api.PickUpAsync(run.Value(id), cancellationToken);
            CodeViews.WriteIssued(run.Output, issued, run.Value(quiet));
            return ExitCodes.Success;
        });
        return command;
    }
}
