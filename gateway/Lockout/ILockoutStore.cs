namespace LatchGateway.Lockout;

/// <summary>Failure counts and lockouts; shared by every replica in Redis mode. Each call is one atomic step per subject.</summary>
internal interface ILockoutStore
{
    /// <summary>
    /// How much longer <paramref name="subject"/> is locked out; zero when it is not. A subject found locked out is
    /// being refused: the refusal is counted in its lockout's summary, in the same step.
    /// </summary>
    ValueTask<TimeSpan> GetRemainingAsync(LockoutSubject subject, CancellationToken cancellationToken);

    /// <summary>
    /// How much longer <paramref name="subject"/> is locked out; zero when it is not. Reads only (one plain command on
    /// Redis, no script), so it can be sent alongside a code's consume before that consume's outcome is known.
    /// </summary>
    ValueTask<TimeSpan> PeekRemainingAsync(LockoutSubject subject, CancellationToken cancellationToken);

    /// <summary>
    /// Counts one refusal atomically, unless <paramref name="subject"/> is locked out already (the refusal is then
    /// counted in its lockout's summary instead): of any number of concurrent refusals, at most
    /// <see cref="LatchLockoutOptions.MaxFailures"/> are counted in a window, and the one that reaches it imposes the
    /// lockout, remembering <paramref name="route"/> for its summary.
    /// </summary>
    ValueTask<RefusalCount> CountRefusalAsync(LockoutSubject subject, string? route, LatchLockoutOptions options, CancellationToken cancellationToken);

    /// <summary>
    /// Lockouts that ended by <paramref name="now"/> and were not reported yet, each handed out once across every
    /// replica (a lockout imposed again before this ran hands out the earlier one's summary with
    /// <see cref="RefusalCount.Ended"/> instead).
    /// </summary>
    ValueTask<IReadOnlyList<EndedLockout>> ClaimEndedAsync(DateTimeOffset now, CancellationToken cancellationToken);
}
