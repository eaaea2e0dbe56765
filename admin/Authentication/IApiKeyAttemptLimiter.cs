using System.Net;

namespace LatchGateway.Admin.Authentication;

/// <summary>
/// Limits failed <c>X-Api-Key</c> attempts per client address, like the lockout on latched routes. The gateway
/// host supplies the implementation (shared by replicas in Redis mode).
/// </summary>
public interface IApiKeyAttemptLimiter
{
    /// <summary>How much longer <paramref name="client"/> is locked out of the admin API; zero when it is not.</summary>
    ValueTask<TimeSpan> GetLockoutAsync(IPAddress? client, CancellationToken cancellationToken);

    /// <summary>Counts a wrong key from <paramref name="client"/>.</summary>
    ValueTask RecordFailureAsync(IPAddress? client, CancellationToken cancellationToken);
}
