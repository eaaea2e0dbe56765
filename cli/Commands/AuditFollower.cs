using System.Text.Json;
using Latchctl.Api;
using Latchctl.Cli;
using Latchctl.Output;

namespace Latchctl.Commands;

/// <summary>
/// <c>audit --follow</c>: polls <c>/admin/audit?since=</c> and prints each event once, oldest first, until cancelled.
/// Each poll reaches a few seconds back before the newest event seen (events of concurrent requests may be written
/// slightly out of time order), and an event read twice — equal member by member — is printed once.
/// </summary>
internal static class AuditFollower
{
    /// <summary>How far before the newest event seen each poll reaches back.</summary>
    public static readonly TimeSpan Overlap = TimeSpan.FromSeconds(5);

    /// <summary>Events asked for per poll after the first: the API's most.</summary>
    private const int PollLimit = 1000;

    /// <summary>
    /// The events of one answer by time, oldest first, with their JSON as returned. The API lists them newest first
    /// in the order they were written, which may differ slightly from their times.
    /// </summary>
    private static IEnumerable<(AuditEvent Event, JsonElement Json)> OldestFirst(ApiResult<List<AuditEvent>> result)
    {
        var json = result.Json.EnumerateArray().ToList();
        return result.Value.Select((audit, i) => (audit, json[i])).Reverse().OrderBy(pair => pair.audit.Time);
    }

    public static async Task<int> RunAsync(Invocation run, AuditQuery first, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(first);
        var output = run.Output;
        var zone = run.Time.LocalTimeZone;
        var seen = new HashSet<AuditEvent>();
        DateTimeOffset? floor = null;
        DateTimeOffset? newest = null;
        var query = first;
        var firstPoll = true;
        try
        {
            while (true)
            {
                var result = await run.Api.QueryAuditAsync(query, cancellationToken);
                if (firstPoll)
                {
                    // What the first poll shows (the last --limit events, or those since --since) is where the stream
                    // starts: an older event that a later poll reaches back to is not printed out of order.
                    floor = result.Value.Count > 0 ? result.Value.Min(e => e.Time) : first.Since;
                    if (!output.IsJson)
                    {
                        output.Render(AuditViews.FollowHeader());
                    }

                    firstPoll = false;
                }

                foreach (var (audit, json) in OldestFirst(result))
                {
                    if ((floor is { } start && audit.Time < start) || !seen.Add(audit))
                    {
                        continue;
                    }

                    if (output.IsJson)
                    {
                        output.WriteJsonLine(json);
                    }
                    else
                    {
                        output.Render(AuditViews.FollowLine(audit, zone));
                    }

                    newest = newest is { } known && known > audit.Time ? known : audit.Time;
                }

                if (newest is { } latest)
                {
                    var from = latest - Overlap;
                    seen.RemoveWhere(e => e.Time < from);
                    query = first with { Since = first.Since is { } since && since > from ? since : from, Limit = PollLimit };
                }

                await output.Out.FlushAsync(cancellationToken);
                await Task.Delay(run.PollInterval, run.Time, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C is how following ends: success.
            return ExitCodes.Success;
        }
    }
}
