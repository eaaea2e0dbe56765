namespace LatchGateway.Contracts;

/// <summary>
/// What the admin API needs from the latch engine: issue, read and revoke codes (revoking ends the sessions a
/// code opened).
/// The gateway host supplies the implementation.
/// </summary>
public interface ILatchCodeService
{
    /// <summary>Lifetime of a code when the issue request names none.</summary>
    TimeSpan DefaultTtl { get; }

    /// <summary>Longest lifetime an issue request may ask for.</summary>
    TimeSpan MaxTtl { get; }

    /// <summary>Issues a new code. The returned value is the only place the code ever appears.</summary>
    ValueTask<IssuedLatchCode> IssueAsync(LatchCodeIssue request, CancellationToken cancellationToken);

    /// <summary>
    /// Issues a new code unless <paramref name="veto"/> says no. The veto is called once the code's store call is
    /// sent and before it is answered, so that a store call of its own travels with it (one round trip to Redis);
    /// when it answers true (or fails), the code — stored by then — is revoked unannounced, and null returned: nobody
    /// was given it.
    /// </summary>
    ValueTask<IssuedLatchCode?> IssueUnlessAsync(
        LatchCodeIssue request, Func<CancellationToken, ValueTask<bool>> veto, CancellationToken cancellationToken);

    /// <summary>
    /// One page of live codes, newest first, optionally filtered by route and user; null when the query's cursor is
    /// not one this service gave (the caller's mistake, a 400). A page is as long as the query's limit unless it is
    /// the last; following the cursors shows every code live throughout exactly once.
    /// </summary>
    ValueTask<LatchCodePage?> ListAsync(LatchCodeQuery query, CancellationToken cancellationToken);

    /// <summary>Gets a live code's metadata, or null when no live code has that id.</summary>
    ValueTask<LatchCodeInfo?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>
    /// Revokes the code with that id if it is live, and ends at once every open session it opened (a code that
    /// opened a session is consumed, yet revoking it is how its sessions end). Nothing found when neither exists.
    /// </summary>
    ValueTask<LatchCodeRevocation> RevokeAsync(string id, LatchActor actor, CancellationToken cancellationToken);
}
