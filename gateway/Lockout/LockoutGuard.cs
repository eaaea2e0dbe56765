using System.Net;
using LatchGateway.Admin.Authentication;
using LatchGateway.Admin.Configuration;
using LatchGateway.Audit;
using LatchGateway.Diagnostics;
using LatchGateway.Identity;

namespace LatchGateway.Lockout;

/// <summary>
/// Applies <c>Latch:Lockout</c>: refused presentations count against the client address and, when there is one,
/// the authenticated user; enough of them within the window lock that address (user) out of every latched route.
/// The same counting limits wrong admin API keys per address. Each lockout is counted, audited and logged.
/// </summary>
internal sealed class LockoutGuard(
    ILockoutStore store,
    LiveOptions<LatchLockoutOptions> options,
    LatchMetrics metrics,
    AuditTrail audit,
    ILogger<LockoutGuard> logger) : IApiKeyAttemptLimiter
{
    /// <summary>How much longer this client (or user) is locked out of latched routes; zero when neither is.</summary>
    public async ValueTask<TimeSpan> GetRemainingAsync(IPAddress? clientIp, string? user, CancellationToken cancellationToken)
    {
        // Both lookups are sent before either is awaited: one round trip to Redis, not two.
        var forClient = clientIp is null
            ? ValueTask.FromResult(TimeSpan.Zero)
            : store.GetRemainingAsync(LockoutSubject.ForClient(clientIp), cancellationToken);
        var forUser = user is null
            ? ValueTask.FromResult(TimeSpan.Zero)
            : store.GetRemainingAsync(LockoutSubject.ForUser(user), cancellationToken);
        TimeSpan clientRemaining;
        try
        {
            clientRemaining = await forClient.ConfigureAwait(false);
        }
        catch
        {
            await ObserveAsync(forUser).ConfigureAwait(false);
            throw;
        }

        var userRemaining = await forUser.ConfigureAwait(false);
        return userRemaining > clientRemaining ? userRemaining : clientRemaining;
    }

    /// <summary>Awaits a lookup whose result no longer matters, so that its failure is not left unobserved.</summary>
    private static async ValueTask ObserveAsync(ValueTask<TimeSpan> lookup)
    {
        try
        {
            await lookup.ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // The first lookup's failure is the one reported.
        }
    }

    /// <summary>Counts a refused presentation against the client and the user.</summary>
    public async ValueTask RecordRefusalAsync(string route, IPAddress? clientIp, string? user, CancellationToken cancellationToken)
    {
        if (clientIp is not null)
        {
            await CountAsync(LockoutSubject.ForClient(clientIp), route, clientIp, user, cancellationToken).ConfigureAwait(false);
        }

        if (user is not null)
        {
            await CountAsync(LockoutSubject.ForUser(user), route, clientIp, user, cancellationToken).ConfigureAwait(false);
        }
    }

    public ValueTask<TimeSpan> GetLockoutAsync(IPAddress? client, CancellationToken cancellationToken) =>
        ClientIdentity.Normalize(client) is { } address
            ? store.GetRemainingAsync(LockoutSubject.ForAdminClient(address), cancellationToken)
            : ValueTask.FromResult(TimeSpan.Zero);

    public async ValueTask RecordFailureAsync(IPAddress? client, CancellationToken cancellationToken)
    {
        if (ClientIdentity.Normalize(client) is { } address)
        {
            await CountAsync(LockoutSubject.ForAdminClient(address), null, address, null, cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask CountAsync(LockoutSubject subject, string? route, IPAddress? clientIp, string? user, CancellationToken cancellationToken)
    {
        var imposed = await store.RecordFailureAsync(subject, options.Current, cancellationToken).ConfigureAwait(false);
        if (imposed <= TimeSpan.Zero)
        {
            return;
        }

        var what = subject.Kind switch
        {
            LockoutKind.ClientIp => "client_ip",
            LockoutKind.User => "user",
            _ => "admin_api_key",
        };
        metrics.LockedOut();
        audit.LockedOut(route, user, clientIp, what);
        Log.LockedOut(logger, what, route, clientIp, (int)imposed.TotalSeconds);
    }
}
