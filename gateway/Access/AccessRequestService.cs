using System.Net;
using System.Security.Claims;
using LatchGateway.Admin;
using LatchGateway.Audit;
using LatchGateway.Codes;
using LatchGateway.Configuration;
using LatchGateway.Contracts;
using LatchGateway.Diagnostics;
using LatchGateway.Net;
using LatchGateway.Notifications;

namespace LatchGateway.Access;

/// <summary>
/// The access flow: people ask for one route, approvers who are not the requester decide, and the requester picks
/// up a code bound to them. Who may do what is read from the route's policy as it is now; every state change is one
/// atomic store step (see <see cref="IAccessRequestStore"/>), then audited and counted here, once.
/// </summary>
internal sealed class AccessRequestService(
    IAccessRequestStore store,
    AccessPeople people,
    LiveOptions<LatchAccessOptions> options,
    LiveOptions<LatchCodeOptions> codeOptions,
    ILatchRouteCatalog routes,
    LatchCodeService codes,
    AccessTrail trail,
    TimeProvider timeProvider) : ILatchAccessService
{
    public const int MaxReasonLength = 1024;
    private const int MaxRouteLength = 200;
    private const int MaxIpLength = 64;
    private const int MaxIdLength = 64;

    public AccessPerson? FindPerson(ClaimsPrincipal principal, IPAddress? address) => people.Find(principal, address);

    public async ValueTask<AccessResult<AccessRequestInfo>> CreateAsync(AccessPerson requester, NewAccessRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        ArgumentNullException.ThrowIfNull(request);
        if (FindRoute(request.Route, out var route, out var policy) is { } routeError)
        {
            return routeError;
        }

        if (!AccessAudience.Parse(policy.Requesters ?? [AccessAudience.Anyone]).Includes(requester))
        {
            return Forbidden($"You are not among the requesters of the route '{route.Id}'.");
        }

        var breakGlass = request.BreakGlass == true;
        if (breakGlass && !policy.BreakGlass)
        {
            return Forbidden($"The policy of the route '{route.Id}' does not allow break-glass.");
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(request.Reason))
        {
            if (breakGlass || policy.RequireReason)
            {
                errors["reason"] = [breakGlass ? "Break-glass needs a reason." : "This route's policy requires a reason."];
            }
        }
        else if (CheckText(request.Reason) is { } reasonError)
        {
            errors["reason"] = [reasonError];
        }

        var codeSettings = codeOptions.Current;
        var maxTtl = policy.MaxTtl is { } policyMax && policyMax < codeSettings.MaxTtl ? policyMax : codeSettings.MaxTtl;
        var ttl = codeSettings.DefaultTtl < maxTtl ? codeSettings.DefaultTtl : maxTtl;
        if (request.TtlSeconds is { } seconds)
        {
            ttl = TimeSpan.FromSeconds(seconds);
            if (seconds <= 0 || ttl > maxTtl)
            {
                errors["ttlSeconds"] = [$"Must be between 1 and {(int)maxTtl.TotalSeconds} seconds, this route's longest."];
            }
        }

        TimeSpan? session = null;
        if (request.SessionSeconds is { } sessionSeconds)
        {
            session = TimeSpan.FromSeconds(sessionSeconds);
            if (route.SessionLifetime is not { } longest)
            {
                errors["sessionSeconds"] = ["Only a code for a Session route opens a session."];
            }
            else if (sessionSeconds <= 0 || session > longest)
            {
                errors["sessionSeconds"] = [$"Must be between 1 and {(int)longest.TotalSeconds} seconds, the route's SessionLifetime."];
            }
        }

        IPNetwork? network = null;
        if (request.Ip is not null)
        {
            if (request.Ip.Length <= MaxIpLength && StrictIPParser.TryParseAddressOrRange(request.Ip, out var range))
            {
                network = range;
            }
            else
            {
                errors["ip"] = ["Not an IP address or CIDR range (e.g. 203.0.113.7 or 10.0.0.0/8)."];
            }
        }

        if (errors.Count > 0)
        {
            return new AccessError(AccessFailure.Invalid, "The access request is not valid.", errors);
        }

        var now = Now();
        var granted = breakGlass || policy.Approvals == 0;
        var created = new AccessRequest(
            CrockfordBase32.NewId(),
            route.Id,
            requester.User,
            requester.Email,
            string.IsNullOrWhiteSpace(request.Reason) ? null : request.Reason,
            network,
            ttl,
            session,
            breakGlass,
            now,
            granted ? AccessRequestState.Granted : AccessRequestState.Pending,
            now + (granted ? policy.PickupWindow : policy.PendingTtl),
            [],
            breakGlass ? 0 : policy.Approvals)
        {
            DecidedBy = breakGlass ? requester.User : null,
            DecisionReason = breakGlass ? request.Reason : null,
        };

        // Ids are 100 random bits: a clash is not expected, but a clash must never overwrite a request.
        if (!await store.TryAddAsync(created, cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidOperationException("A new access request's id is taken.");
        }

        trail.Requested(created, requester);
        if (breakGlass)
        {
            trail.BrokeGlass(created, requester);
            await trail.AnnounceAsync(NotificationEvents.AccessBreakGlass, created, cancellationToken).ConfigureAwait(false);
        }
        else if (granted)
        {
            trail.Granted(created, null);
        }
        else
        {
            await trail.AnnounceAsync(NotificationEvents.AccessRequested, created, cancellationToken).ConfigureAwait(false);
        }

        return ToInfo(granted ? await AfterGrantAsync(created, cancellationToken).ConfigureAwait(false) : created, Now());
    }

    public async ValueTask<IReadOnlyList<AccessRequestInfo>> ListAsync(AccessViewer viewer, AccessRequestQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        ArgumentNullException.ThrowIfNull(query);
        var now = Now();
        var policies = options.Current.Policies;
        var approverOf = new Dictionary<string, bool>(StringComparer.Ordinal);
        bool IsApprover(string route, AccessPerson person)
        {
            if (!approverOf.TryGetValue(route, out var approver))
            {
                approver = policies.TryGetValue(route, out var policy) && AccessAudience.Parse(policy.Approvers).Includes(person);
                approverOf[route] = approver;
            }

            return approver;
        }

        bool Keep(AccessRequest request)
        {
            if ((query.State is { } state && request.StateAt(now) != state)
                || (query.Route is { } route && !string.Equals(request.Route, route, StringComparison.Ordinal)))
            {
                return false;
            }

            if (viewer.Person is not { } person)
            {
                return true;
            }

            var mine = string.Equals(request.Requester, person.User, StringComparison.Ordinal);
            if (query.Mine && !mine)
            {
                return false;
            }

            if (query.Reviewable)
            {
                return !mine && request.StateAt(now) == AccessRequestState.Pending && !request.IsApprovedBy(person.User) && IsApprover(request.Route, person);
            }

            return mine || IsApprover(request.Route, person);
        }

        var found = await store.ListAsync(Keep, query.Limit, cancellationToken).ConfigureAwait(false);
        return [.. found.Select(request => ToInfo(request, now))];
    }

    public async ValueTask<AccessRequestInfo?> GetAsync(AccessViewer viewer, string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        var request = await FindAsync(id, cancellationToken).ConfigureAwait(false);
        if (request is null)
        {
            return null;
        }

        if (viewer.Person is { } person
            && !string.Equals(request.Requester, person.User, StringComparison.Ordinal)
            && !(PolicyOf(request.Route) is { } policy && AccessAudience.Parse(policy.Approvers).Includes(person)))
        {
            return null;
        }

        return ToInfo(request, Now());
    }

    public async ValueTask<AccessResult<AccessRequestInfo>> ApproveAsync(AccessPerson approver, string id, string? reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(approver);
        if (reason is not null && CheckText(reason) is { } reasonError)
        {
            return AccessError.Invalid("reason", reasonError);
        }

        var (request, policy, refusal) = await FindForReviewAsync(approver, id, cancellationToken).ConfigureAwait(false);
        if (refusal is not null)
        {
            return refusal;
        }

        var change = await store.ApproveAsync(id, new AccessApproval(approver.User, Now(), NullIfBlank(reason)), policy!.PickupWindow, cancellationToken)
            .ConfigureAwait(false);
        if (change.Outcome != AccessChangeOutcome.Changed)
        {
            return Refused(change, request!);
        }

        var approved = change.Request!;
        trail.Approved(approved, approver, NullIfBlank(reason));
        if (approved.State == AccessRequestState.Granted)
        {
            trail.Granted(approved, approver);
            approved = await AfterGrantAsync(approved, cancellationToken).ConfigureAwait(false);
        }

        return ToInfo(approved, Now());
    }

    public async ValueTask<AccessResult<AccessRequestInfo>> DenyAsync(AccessPerson approver, string id, string? reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(approver);
        if (string.IsNullOrWhiteSpace(reason))
        {
            return AccessError.Invalid("reason", "A denial needs a reason.");
        }

        if (CheckText(reason) is { } reasonError)
        {
            return AccessError.Invalid("reason", reasonError);
        }

        var (request, _, refusal) = await FindForReviewAsync(approver, id, cancellationToken).ConfigureAwait(false);
        if (refusal is not null)
        {
            return refusal;
        }

        var change = await store.DenyAsync(id, approver.User, reason, Now(), cancellationToken).ConfigureAwait(false);
        if (change.Outcome != AccessChangeOutcome.Changed)
        {
            return Refused(change, request!);
        }

        trail.Denied(change.Request!, approver);
        await trail.AnnounceAsync(NotificationEvents.AccessDenied, change.Request!, cancellationToken).ConfigureAwait(false);
        return ToInfo(change.Request!, Now());
    }

    public async ValueTask<AccessResult<AccessRequestInfo>> CancelAsync(AccessPerson requester, string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        var (request, refusal) = await FindOwnAsync(requester, id, AccessRequestState.Pending, cancellationToken).ConfigureAwait(false);
        if (refusal is not null)
        {
            return refusal;
        }

        var change = await store.CancelAsync(id, requester.User, Now(), cancellationToken).ConfigureAwait(false);
        if (change.Outcome != AccessChangeOutcome.Changed)
        {
            return Refused(change, request!);
        }

        trail.Cancelled(change.Request!, requester);
        return ToInfo(change.Request!, Now());
    }

    public async ValueTask<AccessResult<IssuedLatchCode>> PickUpAsync(AccessPerson requester, string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        var (request, refusal) = await FindOwnAsync(requester, id, AccessRequestState.Granted, cancellationToken).ConfigureAwait(false);
        if (refusal is not null)
        {
            return refusal;
        }

        var (issued, change) = await IssueAsync(request!, new LatchActor(requester.User, requester.Address), cancellationToken).ConfigureAwait(false);
        if (issued is null)
        {
            return change is { } refused ? Refused(refused, request!) : Conflict(NoLongerLatched(request!));
        }

        return issued;
    }

    /// <summary>
    /// After a grant, <c>access.granted</c> goes to the rules; under a policy whose <c>Delivery</c> names a channel, the
    /// code is issued first and carried to the requester by that channel (the request is then issued and cannot be
    /// picked up). Returns the request as it stands afterwards.
    /// </summary>
    private async ValueTask<AccessRequest> AfterGrantAsync(AccessRequest granted, CancellationToken cancellationToken)
    {
        var delivery = PolicyOf(granted.Route)?.Delivery;
        if (delivery is null || string.Equals(delivery, AccessPolicyOptions.PickupDelivery, StringComparison.Ordinal))
        {
            await trail.AnnounceAsync(NotificationEvents.AccessGranted, granted, cancellationToken).ConfigureAwait(false);
            return granted;
        }

        // Nobody acted for the requester here: the code is theirs, issued in their name.
        var (issued, change) = await IssueAsync(granted, new LatchActor(granted.Requester, null), cancellationToken).ConfigureAwait(false);
        if (issued is null)
        {
            // Not deliverable now (the route is no longer latched, or it changed meanwhile): what is left is pickup.
            var current = change?.Request ?? granted;
            await trail.AnnounceAsync(NotificationEvents.AccessGranted, current, cancellationToken).ConfigureAwait(false);
            return current;
        }

        // The requester gets the code through the policy's channel; the rules hear of the grant as of any other.
        var delivered = change!.Value.Request!;
        await trail.DeliverAsync(delivery, delivered, issued, cancellationToken).ConfigureAwait(false);
        await trail.AnnounceAsync(NotificationEvents.AccessGranted, delivered, cancellationToken).ConfigureAwait(false);
        return delivered;
    }

    /// <summary>
    /// Issues the code of a granted request, in <paramref name="actor"/>'s name. The code is stored first and handed
    /// out only if this call is the one that marks the request issued: of concurrent pickups, on any replicas,
    /// exactly one gets a code. Null with the store's answer when it did not; null with no answer at all when the
    /// route is no longer latched.
    /// </summary>
    private async ValueTask<(IssuedLatchCode? Code, AccessChange? Change)> IssueAsync(AccessRequest request, LatchActor actor, CancellationToken cancellationToken)
    {
        if (routes.Find(request.Route) is not { Latch: true })
        {
            return (null, null);
        }

        var bindUser = PolicyOf(request.Route)?.BindUser ?? true;
        var issue = new LatchCodeIssue(
            request.Route,
            bindUser ? request.Requester : null,
            request.Network,
            request.Ttl,
            AccessTrail.Describe(request.Id, request.Reason),
            actor)
        {
            SessionLifetime = request.SessionLifetime,
        };

        AccessChange change = default;
        var issued = await codes.IssueIfClaimedAsync(
            issue,
            async (codeId, token) =>
            {
                change = await store.IssueAsync(request.Id, codeId, Now(), token).ConfigureAwait(false);
                return change.Outcome == AccessChangeOutcome.Changed;
            },
            cancellationToken).ConfigureAwait(false);
        if (issued is not null)
        {
            trail.Issued(change.Request!);
        }

        return (issued, change);
    }

    private static string NoLongerLatched(AccessRequest request) =>
        $"The route '{request.Route}' is no longer latched; no code can be issued for it.";

    internal static AccessRequestInfo ToInfo(AccessRequest request, DateTimeOffset now) => new(
        request.Id,
        request.Route,
        request.Requester,
        request.Reason,
        LatchCodeService.FormatNetwork(request.Network),
        (int)request.Ttl.TotalSeconds,
        request.SessionLifetime is { } session ? (int)session.TotalSeconds : null,
        request.StateAt(now),
        request.BreakGlass,
        request.CreatedAt,
        request.ExpiresAt,
        [.. request.Approvals.Select(static a => new AccessApprovalInfo(a.By, a.At, a.Reason))],
        request.ApprovalsNeeded,
        request.DecidedBy,
        request.DecisionReason,
        request.CodeId);

    /// <summary>The request, for an approver of its route who is not its requester, while it is pending.</summary>
    private async ValueTask<(AccessRequest? Request, AccessPolicyOptions? Policy, AccessError? Refusal)> FindForReviewAsync(
        AccessPerson approver, string id, CancellationToken cancellationToken)
    {
        var request = await FindAsync(id, cancellationToken).ConfigureAwait(false);
        if (request is null)
        {
            return (null, null, NotFound());
        }

        var policy = PolicyOf(request.Route);
        var isApprover = policy is not null && AccessAudience.Parse(policy.Approvers).Includes(approver);
        if (string.Equals(request.Requester, approver.User, StringComparison.Ordinal))
        {
            return (request, policy, isApprover
                ? new AccessError(AccessFailure.SelfApproval, "Nobody reviews their own request.")
                : Forbidden("Only the route's approvers review a request."));
        }

        if (!isApprover)
        {
            return (request, policy, Forbidden($"You are not among the approvers of the route '{request.Route}'."));
        }

        return request.StateAt(Now()) == AccessRequestState.Pending
            ? (request, policy, null)
            : (request, policy, ConflictFor(request));
    }

    /// <summary>The request, for its requester, while it is in <paramref name="state"/>.</summary>
    private async ValueTask<(AccessRequest? Request, AccessError? Refusal)> FindOwnAsync(
        AccessPerson requester, string id, AccessRequestState state, CancellationToken cancellationToken)
    {
        var request = await FindAsync(id, cancellationToken).ConfigureAwait(false);
        if (request is null)
        {
            return (null, NotFound());
        }

        if (!string.Equals(request.Requester, requester.User, StringComparison.Ordinal))
        {
            return (request, Forbidden("Only the requester can do this."));
        }

        return request.StateAt(Now()) == state ? (request, null) : (request, ConflictFor(request));
    }

    private async ValueTask<AccessRequest?> FindAsync(string id, CancellationToken cancellationToken) =>
        string.IsNullOrEmpty(id) || id.Length > MaxIdLength ? null : await store.GetAsync(id, cancellationToken).ConfigureAwait(false);

    /// <summary>Why a store transition was refused, as the API says it.</summary>
    private AccessError Refused(AccessChange change, AccessRequest before) => change.Outcome switch
    {
        AccessChangeOutcome.NotFound => NotFound(),
        AccessChangeOutcome.AlreadyApproved => Conflict("You have approved this request already."),
        _ => ConflictFor(change.Request ?? before),
    };

    private AccessError ConflictFor(AccessRequest request) => request.StateAt(Now()) switch
    {
        AccessRequestState.Pending => Conflict("The request is still pending."),
        AccessRequestState.Granted => Conflict("The request is already granted."),
        AccessRequestState.Denied => Conflict("The request is already denied."),
        AccessRequestState.Cancelled => Conflict("The request was cancelled."),
        AccessRequestState.Issued => Conflict("The request's code was picked up already."),
        _ => Conflict("The request has expired."),
    };

    private AccessError? FindRoute(string? routeId, out LatchRouteInfo route, out AccessPolicyOptions policy)
    {
        route = null!;
        policy = null!;
        if (string.IsNullOrWhiteSpace(routeId))
        {
            return AccessError.Invalid("route", "A route id is required.");
        }

        if (routeId.Length > MaxRouteLength || routes.Find(routeId) is not { } found)
        {
            return AccessError.Invalid("route", "No route has this id.");
        }

        if (!found.Latch || PolicyOf(found.Id) is not { } routePolicy)
        {
            return AccessError.Invalid("route", "This route has no access policy: access to it cannot be requested.");
        }

        route = found;
        policy = routePolicy;
        return null;
    }

    private AccessPolicyOptions? PolicyOf(string route) => options.Current.Policies.GetValueOrDefault(route);

    private DateTimeOffset Now() => DateTimeOffset.FromUnixTimeMilliseconds(timeProvider.GetUtcNow().ToUnixTimeMilliseconds());

    private static string? CheckText(string text) =>
        text.Length > MaxReasonLength || PlainText.HasHiddenCharacters(text)
            ? $"At most {MaxReasonLength} characters, none of them control or invisible formatting characters."
            : null;

    private static string? NullIfBlank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text;

    private static AccessError Forbidden(string detail) => new(AccessFailure.Forbidden, detail);

    private static AccessError Conflict(string detail) => new(AccessFailure.Conflict, detail);

    private static AccessError NotFound() => new(AccessFailure.NotFound, "No access request you may see has this id.");
}
