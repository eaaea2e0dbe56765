namespace LatchGateway.Access;

/// <summary>
/// Where access requests live: one process (memory) or shared by every replica (Redis). Each transition is one
/// atomic step on one request, checked against its state and deadline at <c>now</c>, so of concurrent transitions
/// each is applied exactly once or refused; N approvals from distinct approvers count N times, and only one pickup
/// wins. Records are kept for <c>Latch:Access:Retention</c> after their last deadline, so ended requests stay readable.
/// Implementations throw <see cref="Contracts.LatchStoreUnavailableException"/> when their backing service cannot
/// be reached.
/// </summary>
internal interface IAccessRequestStore
{
    /// <summary>Adds a new request; false when its id exists already.</summary>
    ValueTask<bool> TryAddAsync(AccessRequest request, CancellationToken cancellationToken);

    ValueTask<AccessRequest?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="limit"/> requests that <paramref name="filter"/> keeps, newest first.</summary>
    ValueTask<IReadOnlyList<AccessRequest>> ListAsync(Func<AccessRequest, bool> filter, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Adds <paramref name="approval"/> to a pending request before its deadline, unless its approver has approved it
    /// already; with enough approvals it becomes granted, its deadline then <paramref name="pickupWindow"/> after the approval.
    /// </summary>
    ValueTask<AccessChange> ApproveAsync(string id, AccessApproval approval, TimeSpan pickupWindow, CancellationToken cancellationToken);

    /// <summary>Denies a pending request before its deadline.</summary>
    ValueTask<AccessChange> DenyAsync(string id, string by, string reason, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Cancels a pending request before its deadline (by its requester).</summary>
    ValueTask<AccessChange> CancelAsync(string id, string by, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Marks a granted request, before its pickup deadline, as issued with the code <paramref name="codeId"/>.</summary>
    ValueTask<AccessChange> IssueAsync(string id, string codeId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Moves every pending or granted request whose deadline is past at <paramref name="now"/> to expired, and
    /// drops records past their retention; returns the requests this call expired (each is returned by one call only,
    /// whichever replica runs it).
    /// </summary>
    ValueTask<IReadOnlyList<AccessRequest>> ExpireDueAsync(DateTimeOffset now, CancellationToken cancellationToken);
}
