using System.Net;

namespace LatchGateway.Contracts;

/// <summary>
/// Limits failed <c>X-Api-Key</c> attempts per client address, like the lockout on latched routes. The gateway
/// host supplies the implementation (shared by replicas in Redis mode).
/// </summary>
public interface IApiKeyAttemptLimiter
{
    /// <summary>How much longer <paramref name="client"/> is locked out of the admin API; zero when it is not.</summary>
    ValueTask<TimeSpan> GetLockoutAsync(IPAddress? client, CancellationToken cancellationToken);

    /// <summary>
    /// Counts a wrong key from <paramref name="client"/> in one atomic step with the lockout check: returns how much
    /// longer the client is locked out when it was locked out already (the attempt is then not counted and is
    /// answered 429); zero when the attempt was counted (answered 401), the one that imposed a lockout included.
    /// </summary>
    ValueTask<TimeSpan> RecordFailureAsync(IPAddress? client, CancellationToken cancellationToken);
}
