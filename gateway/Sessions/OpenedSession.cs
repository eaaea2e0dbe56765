namespace LatchGateway.Sessions;

/// <summary>A session just opened for a presentation, with its token (for the cookie) and its lifetime (for <c>Max-Age</c>).</summary>
internal sealed record OpenedSession(LatchSession Session, string Token, TimeSpan Lifetime);
