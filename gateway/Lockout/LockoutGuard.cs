using System.Net;
using LatchGateway.Admin.Authentication;
using LatchGateway.Configuration;
using LatchGateway.Audit;
using LatchGateway.Contracts;
using LatchGateway.Diagnostics;
using LatchGateway.Identity;
using LatchGateway.Notifications;
using LatchGateway.Store;

namespace LatchGateway.Lockout;

/// <summary>
/// Applies <c>Latch:Lockout</c>: refused presentations count against the client's network and, when there is one,
/// the authenticated user; the refusal that reaches <c>MaxFailures</c> within the window locks that client (user)
/// out of every latched route. Counting and the lockout check are one atomic step per subject, so however many
/// refusals arrive at once, at most <c>MaxFailures</c> of them are counted (answered 403) and the rest find the
/// subject locked out (429). The same counting limits wrong admin API keys per address. Each lockout is counted,
/// audited, logged and notified (event <c>lockout</c>). Requests refused while their subject is locked out are not
/// audited one by one (a flood must not grow the trail): the store counts them in the lockout's summary, reported
/// once when the lockout ends (<see cref="LockoutEndings"/>), as a <c>lockout_ended</c> event with
/// <c>suppressed=&lt;N&gt;</c> — admin API-key lockouts included.
/// </summary>
internal sealed class LockoutGuard(
    ILockoutStore store,
    LiveOptions<LatchLockoutOptions> options,
    LatchMetrics metrics,
    AuditTrail audit,
    NotificationPublisher notifications,
    ILogger<LockoutGuard> logger) : IApiKeyAttemptLimiter
{
    // The store's two lookups, as static delegates: no delegate is made per presentation.
    private static readonly Func<ILockoutStore, LockoutSubject, CancellationToken, ValueTask<TimeSpan>> Peek =
        static (store, subject, cancellationToken) => store.PeekRemainingAsync(subject, cancellationToken);

    private static readonly Func<ILockoutStore, LockoutSubject, CancellationToken, ValueTask<TimeSpan>> Get =
        static (store, subject, cancellationToken) => store.GetRemainingAsync(subject, cancellationToken);

    /// <summary>
    /// How much longer this client (or user) is locked out of latched routes; zero when neither is. Reads only: it is
    /// sent alongside a code's consume, before the presentation's outcome is known, and counts nothing. An accepted
    /// code found locked out this way is then refused through <see cref="GetRemainingAsync"/>, which counts it.
    /// </summary>
    public ValueTask<TimeSpan> PeekRemainingAsync(IPAddress? clientIp, string? user, CancellationToken cancellationToken) =>
        LongerOfAsync(Peek, clientIp, user, cancellationToken);

    /// <summary>
    /// How much longer this client (or user) is locked out of latched routes; zero when neither is. A subject found
    /// locked out is being refused: the refusal is counted in its lockout's summary.
    /// </summary>
    public ValueTask<TimeSpan> GetRemainingAsync(IPAddress? clientIp, string? user, CancellationToken cancellationToken) =>
        LongerOfAsync(Get, clientIp, user, cancellationToken);

    /// <summary>
    /// Counts a refused presentation against the client and the user. Returns how much longer they are locked out
    /// when either was locked out already (the presentation is then answered 429); zero when the refusal was
    /// counted (answered 403), including the refusal that imposed a lockout.
    /// </summary>
    public async ValueTask<TimeSpan> CountRefusalAsync(string route, IPAddress? clientIp, string? user, CancellationToken cancellationToken)
    {
        var settings = options.Current;
        var (forClient, forUser) = await SentTogether.BothAsync(
            clientIp is null ? ValueTask.FromResult(RefusalCount.Counted) : store.CountRefusalAsync(LockoutSubject.ForClient(clientIp, settings), route, settings, cancellationToken),
            user is null ? ValueTask.FromResult(RefusalCount.Counted) : store.CountRefusalAsync(LockoutSubject.ForUser(user), route, settings, cancellationToken))
            .ConfigureAwait(false);
        await ReportAsync(forClient, LockoutKind.ClientIp, route, clientIp, user, cancellationToken).ConfigureAwait(false);
        await ReportAsync(forUser, LockoutKind.User, route, clientIp, user, cancellationToken).ConfigureAwait(false);
        return Longer(LockedOutFor(forClient), LockedOutFor(forUser));
    }

    public ValueTask<TimeSpan> GetLockoutAsync(IPAddress? client, CancellationToken cancellationToken) =>
        ClientIdentity.Normalize(client) is { } address
            ? store.GetRemainingAsync(LockoutSubject.ForAdminClient(address, options.Current), cancellationToken)
            : ValueTask.FromResult(TimeSpan.Zero);

    public async ValueTask<TimeSpan> RecordFailureAsync(IPAddress? client, CancellationToken cancellationToken)
    {
        if (ClientIdentity.Normalize(client) is not { } address)
        {
            return TimeSpan.Zero;
        }

        var settings = options.Current;
        var counted = await store.CountRefusalAsync(LockoutSubject.ForAdminClient(address, settings), null, settings, cancellationToken).ConfigureAwait(false);
        await ReportAsync(counted, LockoutKind.AdminClientIp, null, address, null, cancellationToken).ConfigureAwait(false);
        return LockedOutFor(counted);
    }

    /// <summary>Reports a lockout that has ended: one audit event counting the refusals it suppressed, and a log line.</summary>
    public void Ended(EndedLockout lockout)
    {
        ArgumentNullException.ThrowIfNull(lockout);
        audit.LockoutEnded(lockout);
        Log.LockoutEnded(logger, Describe(lockout.Subject.Kind), lockout.Route, lockout.Suppressed);
    }

    private static string Describe(LockoutKind kind) => kind switch
    {
        LockoutKind.ClientIp => "client_ip",
        LockoutKind.User => "user",
        _ => "admin_api_key",
    };

    /// <summary>
    /// The longer of the client's and the user's lockout by <paramref name="lookup"/>. Both lookups are sent before
    /// either is awaited: one round trip to Redis, not two.
    /// </summary>
    private async ValueTask<TimeSpan> LongerOfAsync(
        Func<ILockoutStore, LockoutSubject, CancellationToken, ValueTask<TimeSpan>> lookup, IPAddress? clientIp, string? user, CancellationToken cancellationToken)
    {
        var settings = options.Current;
        var (forClient, forUser) = await SentTogether.BothAsync(
            clientIp is null ? ValueTask.FromResult(TimeSpan.Zero) : lookup(store, LockoutSubject.ForClient(clientIp, settings), cancellationToken),
            user is null ? ValueTask.FromResult(TimeSpan.Zero) : lookup(store, LockoutSubject.ForUser(user), cancellationToken))
            .ConfigureAwait(false);
        return Longer(forClient, forUser);
    }

    private static TimeSpan LockedOutFor(RefusalCount counted) =>
        counted.Result == RefusalCounting.AlreadyLockedOut ? counted.LockedFor : TimeSpan.Zero;

    private static TimeSpan Longer(TimeSpan first, TimeSpan second) => first > second ? first : second;

    private async ValueTask ReportAsync(RefusalCount counted, LockoutKind kind, string? route, IPAddress? clientIp, string? user, CancellationToken cancellationToken)
    {
        if (counted.Result != RefusalCounting.Imposed)
        {
            return;
        }

        if (counted.Ended is { } earlier)
        {
            // Imposed again before a sweep reported the last one's end: reported now, before the new start.
            Ended(earlier);
        }

        var what = Describe(kind);
        metrics.LockedOut();
        audit.LockedOut(route, user, clientIp, what);
        Log.LockedOut(logger, what, route, clientIp, (int)counted.LockedFor.TotalSeconds);
        await notifications.PublishAsync(
            NotificationEvents.Lockout,
            new NotificationData { Route = route, ClientIp = clientIp?.ToString(), User = user, Subject = what },
            cancellationToken).ConfigureAwait(false);
    }
}
