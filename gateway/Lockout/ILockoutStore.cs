namespace LatchGateway.Lockout;

/// <summary>Failure counts and lockouts; shared by every replica in Redis mode. Each call is one atomic step per subject.</summary>
internal interface ILockoutStore
{
    /// <summary>How much longer <paramref name="subject"/> is locked out; zero when it is not.</summary>
    ValueTask<TimeSpan> GetRemainingAsync(LockoutSubject subject, CancellationToken cancellationToken);

    /// <summary>
    /// Counts one refusal atomically, unless <paramref name="subject"/> is locked out already: of any number of
    /// concurrent refusals, at most <see cref="LatchLockoutOptions.MaxFailures"/> are counted in a window, and the
    /// one that reaches it imposes the lockout.
    /// </summary>
    ValueTask<RefusalCount> CountRefusalAsync(LockoutSubject subject, LatchLockoutOptions options, CancellationToken cancellationToken);
}
