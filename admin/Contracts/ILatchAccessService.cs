using System.Security.Claims;

namespace LatchGateway.Contracts;

/// <summary>
/// What the access API needs from the latch engine: who a token names, and the request flow (ask, review, pick up)
/// with every rule of the route's policy applied. The gateway host supplies the implementation; every transition
/// is atomic across replicas.
/// </summary>
public interface ILatchAccessService
{
    /// <summary>The person a JWT-authenticated principal names, or null when its user claim is missing or unusable.</summary>
    AccessPerson? FindPerson(ClaimsPrincipal principal, System.Net.IPAddress? address);

    ValueTask<AccessResult<AccessRequestInfo>> CreateAsync(AccessPerson requester, NewAccessRequest request, CancellationToken cancellationToken);

    ValueTask<IReadOnlyList<AccessRequestInfo>> ListAsync(AccessViewer viewer, AccessRequestQuery query, CancellationToken cancellationToken);

    /// <summary>The request, or null when there is none the viewer may see.</summary>
    ValueTask<AccessRequestInfo?> GetAsync(AccessViewer viewer, string id, CancellationToken cancellationToken);

    ValueTask<AccessResult<AccessRequestInfo>> ApproveAsync(AccessPerson approver, string id, string? reason, CancellationToken cancellationToken);

    ValueTask<AccessResult<AccessRequestInfo>> DenyAsync(AccessPerson approver, string id, string? reason, CancellationToken cancellationToken);

    ValueTask<AccessResult<AccessRequestInfo>> CancelAsync(AccessPerson requester, string id, CancellationToken cancellationToken);

    /// <summary>Issues the granted request's code to its requester, once, within the pickup window.</summary>
    ValueTask<AccessResult<IssuedLatchCode>> PickUpAsync(AccessPerson requester, string id, CancellationToken cancellationToken);
}
