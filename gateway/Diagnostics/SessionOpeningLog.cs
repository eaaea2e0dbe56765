namespace LatchGateway.Diagnostics;

/// <summary>Log events of opening unlock sessions (event ids 320–329).</summary>
internal static partial class Log
{
    [LoggerMessage(320, LogLevel.Error, "Latch code {CodeId} was accepted on route {Route} but opened no session (a fresh session token or id collided with a stored one); refusing (fail closed).")]
    public static partial void SessionNotOpened(ILogger logger, string route, string codeId);

    // The session's token never left the gateway: nobody can use it, and it ends at its end time.
    [LoggerMessage(321, LogLevel.Warning, "Session {SessionId} opened on route {Route} for a presentation refused after all could not be taken back: {Reason}")]
    public static partial void SessionDiscardFailed(ILogger logger, string route, string sessionId, string reason);
}
