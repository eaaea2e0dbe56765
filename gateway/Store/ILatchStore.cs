using LatchGateway.Codes;
using LatchGateway.Contracts;

namespace LatchGateway.Store;

/// <summary>
/// Where codes live between issue and expiry. Implementations are safe under any concurrency and throw
/// <see cref="Admin.LatchStoreUnavailableException"/> when their backing service cannot be reached.
/// </summary>
internal interface ILatchStore
{
    /// <summary>Adds a live code; false when a code with the same digest or id already exists.</summary>
    ValueTask<bool> TryAddAsync(LatchCodeRecord record, CancellationToken cancellationToken);

    /// <summary>
    /// Atomically moves the code with this digest out of <see cref="CodeState.Live"/> (whatever the outcome of
    /// the presentation) and reports what it was: of any number of concurrent calls, at most one sees it live.
    /// </summary>
    ValueTask<ConsumeResult> ConsumeAsync(CodeDigest digest, CancellationToken cancellationToken);

    /// <summary>
    /// Puts a code that a presentation consumed back to live, for a presentation refused after all because its
    /// client or user is locked out (such a presentation consumes nothing). Only a consumed code is changed, and one
    /// whose revocation was asked for while it was consumed becomes revoked instead: no revocation is lost.
    /// </summary>
    ValueTask RestoreAsync(CodeDigest digest, CancellationToken cancellationToken);

    /// <summary>A live, unexpired code by id, or null.</summary>
    ValueTask<LatchCodeRecord?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>
    /// One page of live, unexpired codes, newest first, filtered by route and user when given: at most the query's
    /// limit, after its cursor, with the cursor of the next page when there are more. Null when the cursor is not
    /// one this store's pages give. How a cursor marks a position is the store's own affair.
    /// </summary>
    ValueTask<CodePage?> ListAsync(LatchCodeQuery query, CancellationToken cancellationToken);

    /// <summary>Revokes a live, unexpired code by id; null when there is none.</summary>
    ValueTask<LatchCodeRecord?> RevokeAsync(string id, CancellationToken cancellationToken);

    /// <summary>Whether the store can serve requests now.</summary>
    ValueTask<bool> IsAvailableAsync(CancellationToken cancellationToken);
}
