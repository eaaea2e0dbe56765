namespace LatchGateway.Lockout;

/// <summary>
/// What counting one refusal against a subject did. <see cref="Ended"/>: when this refusal imposed a lockout while
/// an earlier one's end was not reported yet, that earlier lockout, for the caller to report first.
/// </summary>
internal readonly record struct RefusalCount(RefusalCounting Result, TimeSpan LockedFor, EndedLockout? Ended = null)
{
    public static RefusalCount Counted => new(RefusalCounting.Counted, TimeSpan.Zero);

    public static RefusalCount Imposed(TimeSpan duration, EndedLockout? ended = null) => new(RefusalCounting.Imposed, duration, ended);

    public static RefusalCount AlreadyLockedOut(TimeSpan remaining) => new(RefusalCounting.AlreadyLockedOut, remaining);
}

internal enum RefusalCounting
{
    /// <summary>Counted, below the threshold: the refusal is answered 403.</summary>
    Counted,

    /// <summary>Counted as the last one the window allows; it imposed the lockout and is still answered 403.</summary>
    Imposed,

    /// <summary>Not counted: the subject was locked out already, so the presentation is answered 429.</summary>
    AlreadyLockedOut,
}
