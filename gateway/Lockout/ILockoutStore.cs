namespace LatchGateway.Lockout;

/// <summary>Failure counts and lockouts; shared by every replica in Redis mode.</summary>
internal interface ILockoutStore
{
    /// <summary>How much longer <paramref name="subject"/> is locked out; zero when it is not.</summary>
    ValueTask<TimeSpan> GetRemainingAsync(LockoutSubject subject, CancellationToken cancellationToken);

    /// <summary>
    /// Counts one failure atomically. Returns the lockout's duration when this failure imposed it; zero otherwise
    /// (below the threshold, or already locked out).
    /// </summary>
    ValueTask<TimeSpan> RecordFailureAsync(LockoutSubject subject, LatchLockoutOptions options, CancellationToken cancellationToken);
}
