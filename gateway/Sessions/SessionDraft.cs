using System.Net;
using LatchGateway.Codes;
using LatchGateway.Store;

namespace LatchGateway.Sessions;

/// <summary>
/// The session a code presented on a Session route opens, before the code is known: what the presentation brings
/// (token digest, id, route, presenter, time) and what the route gives (lifetime, idle timeout). The code fills in
/// the rest (<see cref="For"/>): its user, its network (else the presenter's address alone), a shorter lifetime.
/// </summary>
internal sealed record SessionDraft(
    string Id,
    CodeDigest TokenDigest,
    SessionRoute Route,
    string? Presenter,
    IPNetwork PresenterHost,
    DateTimeOffset Now)
{
    /// <summary>
    /// Whether a code found live may open this session as far as a store can tell without the presenter's address:
    /// bound to this route, unexpired, and not bound to another user. The address is judged by the caller, which
    /// discards the session when it does not match (<see cref="ISessionStore.DiscardAsync"/>).
    /// </summary>
    public bool Admits(LatchCodeRecord code) =>
        string.Equals(code.Route, Route.RouteId, StringComparison.Ordinal)
        && !code.IsExpiredAt(Now)
        && (code.User is null || string.Equals(code.User, Presenter, StringComparison.Ordinal));

    /// <summary>How long the session lasts: the route's lifetime, or the code's when shorter.</summary>
    public TimeSpan LifetimeFor(LatchCodeRecord code) =>
        code.SessionLifetime is { } asked && asked < Route.Lifetime ? asked : Route.Lifetime;

    /// <summary>The session <paramref name="code"/> opens.</summary>
    public LatchSession For(LatchCodeRecord code) => new(
        Id, TokenDigest, code.Id, Route.RouteId, code.User, code.Network ?? PresenterHost, Now, Now + LifetimeFor(code), Route.IdleTimeout);
}
