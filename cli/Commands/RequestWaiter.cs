using Latchctl.Api;
using Latchctl.Cli;
using Latchctl.Output;

namespace Latchctl.Commands;

/// <summary>
/// <c>requests create --wait</c>: polls the request until it is decided (a spinner on stderr when it is a terminal,
/// nothing on a pipe), then picks up the code once granted; a denied, expired or cancelled request is exit code 1.
/// </summary>
internal static class RequestWaiter
{
    public static async Task<int> WaitAndPickUpAsync(Invocation run, AccessRequest created, bool quiet, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(created);
        var output = run.Output;
        AccessRequest decided;
        try
        {
            decided = await output.WhileWaitingAsync(Status(created, output.Now), async status =>
            {
                var current = created;
                while (current.State == AccessStates.Pending)
                {
                    await Task.Delay(run.PollInterval, run.Time, cancellationToken);
                    current = (await run.Api.GetRequestAsync(current.Id, cancellationToken)).Value;
                    status(Status(current, output.Now));
                }

                return current;
            });
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            output.Console.Error.WriteLine($"Stopped waiting. Request {created.Id} is still pending; once it is granted, pick up its code with: latchctl requests pickup {created.Id}");
            return ExitCodes.Interrupted;
        }

        if (decided.State != AccessStates.Granted)
        {
            output.Console.Error.WriteLine($"Error: {Ended(decided)}");
            return ExitCodes.Refused;
        }

        CodeViews.WriteIssued(output, await run.Api.PickUpAsync(decided.Id, cancellationToken), quiet);
        return ExitCodes.Success;
    }

    private static string Status(AccessRequest request, DateTimeOffset now) =>
        $"Waiting for approval of {request.Id} ({request.Approvals?.Count ?? 0}/{request.ApprovalsNeeded}, expires {RelativeTime.Format(request.ExpiresAt, now)})";

    private static string Ended(AccessRequest request) => request.State switch
    {
        AccessStates.Denied => $"Request {request.Id} was denied by {request.DecidedBy ?? "an approver"}: {request.DecisionReason ?? "no reason given"}.",
        AccessStates.Expired => $"Request {request.Id} expired before it was granted.",
        AccessStates.Cancelled => $"Request {request.Id} was cancelled.",
        AccessStates.Issued => $"The code of request {request.Id} was already picked up (code id {request.CodeId}).",
        _ => $"Request {request.Id} is {request.State}.",
    };
}
