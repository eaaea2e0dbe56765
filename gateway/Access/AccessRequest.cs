using System.Net;
using LatchGateway.Contracts;

namespace LatchGateway.Access;

/// <summary>
/// An access request as the stores keep it. Immutable: every transition is a store operation that returns the new
/// version, so a replica never acts on a state another replica has already changed.
/// </summary>
/// <param name="Id">Random id (20 lower-case base-32 symbols).</param>
/// <param name="Route">The one route it asks for.</param>
/// <param name="Requester">The requester's user id; the code is bound to it unless the policy's BindUser is false.</param>
/// <param name="RequesterEmail">The requester's e-mail address from their token, for notifications.</param>
/// <param name="Reason">The requester's justification.</param>
/// <param name="Network">The client address or range the code is bound to as well, if the request named one.</param>
/// <param name="Ttl">The code's lifetime, counted from pickup.</param>
/// <param name="SessionLifetime">On a Session route, a shorter session than the route's own; null for the route's.</param>
/// <param name="BreakGlass">Whether the requester granted it themselves under the policy's break-glass rule.</param>
/// <param name="CreatedAt">When it was asked for.</param>
/// <param name="State">Its state as last changed (a pending or granted request past <see cref="ExpiresAt"/> is expired: see <see cref="StateAt"/>).</param>
/// <param name="ExpiresAt">The pending deadline, then once granted the pickup deadline.</param>
/// <param name="Approvals">Distinct approvals, in the order they were given.</param>
/// <param name="ApprovalsNeeded">How many distinct approvals grant it (the policy's Approvals when it was asked for).</param>
internal sealed record AccessRequest(
    string Id,
    string Route,
    string Requester,
    string? RequesterEmail,
    string? Reason,
    IPNetwork? Network,
    TimeSpan Ttl,
    TimeSpan? SessionLifetime,
    bool BreakGlass,
    DateTimeOffset CreatedAt,
    AccessRequestState State,
    DateTimeOffset ExpiresAt,
    IReadOnlyList<AccessApproval> Approvals,
    int ApprovalsNeeded)
{
    /// <summary>Who denied or cancelled it, or who granted it by break-glass (the requester).</summary>
    public string? DecidedBy { get; init; }

    /// <summary>The reason given with that decision.</summary>
    public string? DecisionReason { get; init; }

    /// <summary>When it left the pending or granted state (decided, cancelled, expired or picked up).</summary>
    public DateTimeOffset? EndedAt { get; init; }

    /// <summary>The id of the code picked up.</summary>
    public string? CodeId { get; init; }

    /// <summary>Whether it can still change: pending or granted (though perhaps past its deadline).</summary>
    public bool IsOpen => State is AccessRequestState.Pending or AccessRequestState.Granted;

    /// <summary>Its state at <paramref name="now"/>: a pending or granted request past its deadline is expired, swept or not.</summary>
    public AccessRequestState StateAt(DateTimeOffset now) => IsOpen && now >= ExpiresAt ? AccessRequestState.Expired : State;

    /// <summary>Whether <paramref name="user"/> has approved it already.</summary>
    public bool IsApprovedBy(string user)
    {
        foreach (var approval in Approvals)
        {
            if (string.Equals(approval.By, user, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>One approval: by whom, when, and why.</summary>
internal sealed record AccessApproval(string By, DateTimeOffset At, string? Reason);

/// <summary>What a store transition did.</summary>
internal enum AccessChangeOutcome
{
    /// <summary>The transition happened; the request returned is the new version.</summary>
    Changed,

    /// <summary>No request has this id (or it is past its retention).</summary>
    NotFound,

    /// <summary>The request is not in a state (or no longer within the deadline) that allows it; the request returned is as it is.</summary>
    WrongState,

    /// <summary>This approver has approved it already; the request returned is as it is.</summary>
    AlreadyApproved,
}

/// <summary>The outcome of a store transition and the request as it stands after it.</summary>
internal readonly record struct AccessChange(AccessChangeOutcome Outcome, AccessRequest? Request)
{
    public static AccessChange NotFound => new(AccessChangeOutcome.NotFound, null);
}
