using LatchGateway.Configuration;
using LatchGateway.Contracts;

namespace LatchGateway.Access;

/// <summary>
/// Access requests in this process. Each transition runs under one lock, so it reads and writes a request in one
/// step; requests are few and their calls are made by people, so one lock costs nothing measurable.
/// </summary>
internal sealed class InMemoryAccessRequestStore(LiveOptions<LatchAccessOptions> options) : IAccessRequestStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, AccessRequest> _requests = new(StringComparer.Ordinal);

    public ValueTask<bool> TryAddAsync(AccessRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        lock (_lock)
        {
            return ValueTask.FromResult(_requests.TryAdd(request.Id, request));
        }
    }

    public ValueTask<AccessRequest?> GetAsync(string id, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return ValueTask.FromResult(_requests.GetValueOrDefault(id));
        }
    }

    public ValueTask<IReadOnlyList<AccessRequest>> ListAsync(Func<AccessRequest, bool> filter, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        AccessRequest[] all;
        lock (_lock)
        {
            all = [.. _requests.Values];
        }

        Array.Sort(all, static (x, y) => y.CreatedAt.CompareTo(x.CreatedAt) is var order and not 0 ? order : string.CompareOrdinal(y.Id, x.Id));
        return ValueTask.FromResult<IReadOnlyList<AccessRequest>>([.. all.Where(filter).Take(limit)]);
    }

    public ValueTask<AccessChange> ApproveAsync(string id, AccessApproval approval, TimeSpan pickupWindow, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(approval);
        return Change(id, approval.At, AccessRequestState.Pending, request =>
        {
            if (request.IsApprovedBy(approval.By))
            {
                return new AccessChange(AccessChangeOutcome.AlreadyApproved, request);
            }

            var approvals = request.Approvals.Append(approval).ToArray();
            var granted = approvals.Length >= request.ApprovalsNeeded;
            return Changed(request with
            {
                Approvals = approvals,
                State = granted ? AccessRequestState.Granted : AccessRequestState.Pending,
                ExpiresAt = granted ? approval.At + pickupWindow : request.ExpiresAt,
            });
        });
    }

    public ValueTask<AccessChange> DenyAsync(string id, string by, string reason, DateTimeOffset now, CancellationToken cancellationToken) =>
        Change(id, now, AccessRequestState.Pending, request => Changed(request with
        {
            State = AccessRequestState.Denied,
            DecidedBy = by,
            DecisionReason = reason,
            EndedAt = now,
        }));

    public ValueTask<AccessChange> CancelAsync(string id, string by, DateTimeOffset now, CancellationToken cancellationToken) =>
        Change(id, now, AccessRequestState.Pending, request => Changed(request with
        {
            State = AccessRequestState.Cancelled,
            DecidedBy = by,
            EndedAt = now,
        }));

    public ValueTask<AccessChange> IssueAsync(string id, string codeId, DateTimeOffset now, CancellationToken cancellationToken) =>
        Change(id, now, AccessRequestState.Granted, request => Changed(request with
        {
            State = AccessRequestState.Issued,
            CodeId = codeId,
            EndedAt = now,
        }));

    public ValueTask<IReadOnlyList<AccessRequest>> ExpireDueAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var retention = options.Current.Retention;
        var expired = new List<AccessRequest>();
        lock (_lock)
        {
            foreach (var request in _requests.Values.ToArray())
            {
                if (request.IsOpen && now >= request.ExpiresAt)
                {
                    var ended = request with { State = AccessRequestState.Expired, EndedAt = now };
                    _requests[request.Id] = ended;
                    expired.Add(ended);
                }
                else if (!request.IsOpen && (request.EndedAt ?? request.ExpiresAt) + retention <= now)
                {
                    _requests.Remove(request.Id);
                }
            }
        }

        return ValueTask.FromResult<IReadOnlyList<AccessRequest>>(expired);
    }

    /// <summary>Applies <paramref name="change"/> to the request if it is in <paramref name="from"/> and before its deadline at <paramref name="now"/>.</summary>
    private ValueTask<AccessChange> Change(string id, DateTimeOffset now, AccessRequestState from, Func<AccessRequest, AccessChange> change)
    {
        lock (_lock)
        {
            if (!_requests.TryGetValue(id, out var request))
            {
                return ValueTask.FromResult(AccessChange.NotFound);
            }

            if (request.State != from || now >= request.ExpiresAt)
            {
                return ValueTask.FromResult(new AccessChange(AccessChangeOutcome.WrongState, request));
            }

            var result = change(request);
            if (result.Outcome == AccessChangeOutcome.Changed)
            {
                _requests[id] = result.Request!;
            }

            return ValueTask.FromResult(result);
        }
    }

    private static AccessChange Changed(AccessRequest request) => new(AccessChangeOutcome.Changed, request);
}
