using LatchGateway.Notifications;
using LatchGateway.Store;
using Microsoft.Extensions.Options;

namespace LatchGateway.Access;

/// <summary>
/// Expires pending and granted requests whose deadline has passed, every <c>Latch:Store:SweepInterval</c>. The store
/// hands each expired request to one sweep only, so each expiry is audited once. Reads show a request past its
/// deadline as expired before its sweep.
/// </summary>
internal sealed class AccessRequestExpiry(
    IAccessRequestStore store,
    AccessTrail trail,
    IOptions<LatchStoreOptions> options,
    TimeProvider timeProvider,
    ILogger<AccessRequestExpiry> logger) : StoreSweep(options, timeProvider, logger, "access request sweep", "access requests")
{
    protected override async Task SweepOnceAsync(CancellationToken cancellationToken)
    {
        // To the millisecond, as every store keeps times.
        var now = DateTimeOffset.FromUnixTimeMilliseconds(Time.GetUtcNow().ToUnixTimeMilliseconds());
        foreach (var request in await store.ExpireDueAsync(now, cancellationToken).ConfigureAwait(false))
        {
            trail.Expired(request);
            await trail.AnnounceAsync(NotificationEvents.AccessExpired, request, cancellationToken).ConfigureAwait(false);
        }
    }
}
