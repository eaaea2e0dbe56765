using LatchGateway.Codes;

namespace LatchGateway.Sessions;

/// <summary>
/// Where unlock sessions live: one process (memory) or shared by every replica (Redis). Implementations are safe
/// under any concurrency and throw <see cref="Contracts.LatchStoreUnavailableException"/> when their backing
/// service cannot be reached. An ended session is gone at once for every replica.
/// </summary>
internal interface ISessionStore
{
    /// <summary>Adds a new session; false when its token digest or id exists already.</summary>
    ValueTask<bool> TryAddAsync(LatchSession session, CancellationToken cancellationToken);

    /// <summary>
    /// The session with this token digest as a request at <paramref name="now"/> finds it: open (and then its last
    /// use is noted for the idle timeout), or ended because it expired or went idle (it is then removed, and the
    /// first caller to see it end is told so, once), or unknown.
    /// </summary>
    ValueTask<SessionLookup> UseAsync(CodeDigest tokenDigest, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Open sessions, newest first, filtered by route and user when given.</summary>
    ValueTask<IReadOnlyList<LatchSession>> ListAsync(string? route, string? user, CancellationToken cancellationToken);

    /// <summary>Ends the session with this id at once; the ended session, or null when no open session has it.</summary>
    ValueTask<LatchSession?> EndAsync(string id, CancellationToken cancellationToken);

    /// <summary>
    /// Takes back a session just opened that nobody was told of, because its presentation was refused after all
    /// (an address outside the code's network, a presenter found locked out): it is removed, not reported ended.
    /// True when it was still there.
    /// </summary>
    ValueTask<bool> DiscardAsync(LatchSession session, CancellationToken cancellationToken);

    /// <summary>Ends at once every session the code with this id opened; the sessions ended.</summary>
    ValueTask<IReadOnlyList<LatchSession>> EndOpenedByAsync(string codeId, CancellationToken cancellationToken);
}
