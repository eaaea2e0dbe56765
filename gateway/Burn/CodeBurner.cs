using System.Net;
using LatchGateway.Codes;
using LatchGateway.Store;

namespace LatchGateway.Burn;

/// <summary>
/// Checks and burns a presented code: normalise, digest, consume atomically, then judge the bindings.
/// A found code is consumed whatever the outcome (and restored only when its presenter turns out to be locked out);
/// the store throws when it cannot be reached. A request without a code needs no store at all.
/// </summary>
internal sealed class CodeBurner(ILatchStore store, CodeHasher hasher, TimeProvider timeProvider)
{
    public async ValueTask<LatchDecision> BurnAsync(
        string? presented, string route, IPAddress? clientIp, string? user, CancellationToken cancellationToken)
    {
        if (!TryDigest(presented, out var digest, out var outcome))
        {
            return new LatchDecision(outcome, null);
        }

        return await ConsumeAsync(digest, route, clientIp, user, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Consumes the code of <paramref name="digest"/> and judges it. The store call is sent before this returns, so a
    /// caller can send another call behind it before awaiting either (one round trip to Redis for both).
    /// </summary>
    public async ValueTask<LatchDecision> ConsumeAsync(
        CodeDigest digest, string route, IPAddress? clientIp, string? user, CancellationToken cancellationToken)
    {
        var consumed = await store.ConsumeAsync(digest, cancellationToken).ConfigureAwait(false);
        return Decide(consumed, route, clientIp, user);
    }

    /// <summary>The decision on a presentation on <paramref name="route"/> whose consume found <paramref name="consumed"/>.</summary>
    public LatchDecision Decide(ConsumeResult consumed, string route, IPAddress? clientIp, string? user) =>
        new(Judge(consumed, route, clientIp, user, timeProvider.GetUtcNow()), consumed.Record, consumed.Record is not null && consumed.PriorState == CodeState.Live);

    /// <summary>Undoes what <see cref="BurnAsync"/> consumed, for a presentation refused after all because its client or user is locked out.</summary>
    public ValueTask RestoreAsync(LatchDecision decision, CancellationToken cancellationToken) =>
        decision.ConsumedCode ? store.RestoreAsync(decision.Record!.Digest, cancellationToken) : ValueTask.CompletedTask;

    /// <summary>What a consume result means for a presentation on <paramref name="route"/>.</summary>
    public static LatchOutcome Judge(ConsumeResult consumed, string route, IPAddress? clientIp, string? user, DateTimeOffset now)
    {
        if (consumed.Record is not { } record)
        {
            return LatchOutcome.Invalid;
        }

        return consumed.PriorState switch
        {
            CodeState.Consumed => LatchOutcome.Used,
            CodeState.Revoked => LatchOutcome.Revoked,
            _ when record.IsExpiredAt(now) => LatchOutcome.Expired,
            _ when !string.Equals(record.Route, route, StringComparison.Ordinal) => LatchOutcome.RouteMismatch,
            _ when record.Network is { } network && (clientIp is null || !network.Contains(clientIp)) => LatchOutcome.IpMismatch,
            _ when record.User is not null && !string.Equals(record.User, user, StringComparison.Ordinal) => LatchOutcome.UserMismatch,
            _ => LatchOutcome.Accepted,
        };
    }

    /// <summary>The digest of a presented code; false (with the outcome) when there is no code to look up.</summary>
    public bool TryDigest(string? presented, out CodeDigest digest, out LatchOutcome outcome)
    {
        digest = default;
        if (string.IsNullOrEmpty(presented))
        {
            outcome = LatchOutcome.Missing;
            return false;
        }

        Span<char> normalized = stackalloc char[CrockfordBase32.MaxCodeLength];
        var length = CrockfordBase32.Normalize(presented, normalized);
        if (length <= 0)
        {
            outcome = length == 0 ? LatchOutcome.Missing : LatchOutcome.Invalid;
            return false;
        }

        digest = hasher.Compute(normalized[..length]);
        outcome = default;
        return true;
    }
}
