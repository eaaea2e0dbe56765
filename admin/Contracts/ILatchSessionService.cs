namespace LatchGateway.Contracts;

/// <summary>
/// What the admin API needs from the latch engine about unlock sessions: list the open ones and end one.
/// The gateway host supplies the implementation.
/// </summary>
public interface ILatchSessionService
{
    /// <summary>Lists open sessions, newest first, optionally filtered by route and user.</summary>
    ValueTask<IReadOnlyList<LatchSessionInfo>> ListAsync(string? route, string? user, CancellationToken cancellationToken);

    /// <summary>Ends an open session at once, on every replica; null when no open session has that id.</summary>
    ValueTask<LatchSessionInfo?> EndAsync(string id, LatchActor actor, CancellationToken cancellationToken);
}
