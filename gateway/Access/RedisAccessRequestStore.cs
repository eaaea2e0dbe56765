using LatchGateway.Store.Redis;

namespace LatchGateway.Access;

/// <summary>Access requests in Redis, shared by every replica.</summary>
internal sealed class RedisAccessRequestStore(RedisConnection connection) : IAccessRequestStore
{
    public ValueTask<bool> TryAddAsync(AccessRequest request, CancellationToken cancellationToken) => throw new NotImplementedException(connection.ToString());

    public ValueTask<AccessRequest?> GetAsync(string id, CancellationToken cancellationToken) => throw new NotImplementedException();

    public ValueTask<IReadOnlyList<AccessRequest>> ListAsync(Func<AccessRequest, bool> filter, int limit, CancellationToken cancellationToken) => throw new NotImplementedException();

    public ValueTask<AccessChange> ApproveAsync(string id, AccessApproval approval, TimeSpan pickupWindow, CancellationToken cancellationToken) => throw new NotImplementedException();

    public ValueTask<AccessChange> DenyAsync(string id, string by, string reason, DateTimeOffset now, CancellationToken cancellationToken) => throw new NotImplementedException();

    public ValueTask<AccessChange> CancelAsync(string id, string by, DateTimeOffset now, CancellationToken cancellationToken) => throw new NotImplementedException();

    public ValueTask<AccessChange> IssueAsync(string id, string codeId, DateTimeOffset now, CancellationToken cancellationToken) => throw new NotImplementedException();

    public ValueTask<IReadOnlyList<AccessRequest>> ExpireDueAsync(DateTimeOffset now, CancellationToken cancellationToken) => throw new NotImplementedException();
}
