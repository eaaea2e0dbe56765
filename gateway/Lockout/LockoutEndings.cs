using LatchGateway.Store;
using Microsoft.Extensions.Options;

namespace LatchGateway.Lockout;

/// <summary>
/// Reports lockouts that have ended, every <c>Latch:Store:SweepInterval</c>. The store hands each ended lockout to one
/// sweep only, so each <c>lockout_ended</c> event is written once, within a sweep interval of the lockout's end.
/// </summary>
internal sealed class LockoutEndings(
    ILockoutStore store,
    LockoutGuard guard,
    IOptions<LatchStoreOptions> options,
    TimeProvider timeProvider,
    ILogger<LockoutEndings> logger) : StoreSweep(options, timeProvider, logger, "lockout sweep", "ended lockouts")
{
    protected override async Task SweepOnceAsync(CancellationToken cancellationToken)
    {
        foreach (var lockout in await store.ClaimEndedAsync(Time.GetUtcNow(), cancellationToken).ConfigureAwait(false))
        {
            guard.Ended(lockout);
        }
    }
}
