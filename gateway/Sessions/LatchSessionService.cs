using LatchGateway.Codes;
using LatchGateway.Contracts;

namespace LatchGateway.Sessions;

/// <summary>
/// Lists and ends unlock sessions for the admin API, on top of the session store. Every session it ends is
/// reported ended (see <see cref="SessionGate.Ended"/>) as <c>revoked</c>, with the actor who asked.
/// </summary>
internal sealed class LatchSessionService(ISessionStore store, SessionGate gate) : ILatchSessionService
{
    private const string Revoked = "revoked";

    public async ValueTask<IReadOnlyList<LatchSessionInfo>> ListAsync(string? route, string? user, CancellationToken cancellationToken)
    {
        var sessions = await store.ListAsync(route, user, cancellationToken).ConfigureAwait(false);
        var infos = new LatchSessionInfo[sessions.Count];
        for (var i = 0; i < infos.Length; i++)
        {
            infos[i] = ToInfo(sessions[i]);
        }

        return infos;
    }

    public async ValueTask<LatchSessionInfo?> EndAsync(string id, LatchActor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var session = await store.EndAsync(id, cancellationToken).ConfigureAwait(false);
        return session is null ? null : Ended(session, actor);
    }

    /// <summary>Ends every session the code with this id opened, as its revocation by <paramref name="actor"/>.</summary>
    public async ValueTask<IReadOnlyList<LatchSessionInfo>> EndOpenedByAsync(string codeId, LatchActor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var sessions = await store.EndOpenedByAsync(codeId, cancellationToken).ConfigureAwait(false);
        var infos = new LatchSessionInfo[sessions.Count];
        for (var i = 0; i < infos.Length; i++)
        {
            infos[i] = Ended(sessions[i], actor);
        }

        return infos;
    }

    internal static LatchSessionInfo ToInfo(LatchSession session) => new(
        session.Id,
        session.CodeId,
        session.Route,
        session.User,
        LatchCodeService.FormatNetwork(session.Network)!,
        session.OpenedAt,
        session.ExpiresAt);

    private LatchSessionInfo Ended(LatchSession session, LatchActor actor)
    {
        gate.Ended(session, Revoked, actor.Name, actor.Address);
        return ToInfo(session);
    }
}
