namespace LatchGateway.Sessions;

/// <summary>What a request's session token found.</summary>
internal readonly record struct SessionLookup(SessionState State, LatchSession? Session)
{
    public static SessionLookup Unknown => default;
}

internal enum SessionState
{
    /// <summary>No session has that token (never had, ended, or swept).</summary>
    Unknown,

    /// <summary>The session is open; this use was noted.</summary>
    Open,

    /// <summary>It reached its end time just now; this caller reports its end.</summary>
    Expired,

    /// <summary>It went idle just now; this caller reports its end.</summary>
    Idle,
}
