namespace LatchGateway.Lockout;

/// <summary>What counting one refusal against a subject did.</summary>
internal readonly record struct RefusalCount(RefusalCounting Result, TimeSpan LockedFor)
{
    public static RefusalCount Counted => new(RefusalCounting.Counted, TimeSpan.Zero);

    public static RefusalCount Imposed(TimeSpan duration) => new(RefusalCounting.Imposed, duration);

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
