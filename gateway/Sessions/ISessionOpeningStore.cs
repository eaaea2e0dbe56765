using LatchGateway.Codes;
using LatchGateway.Store;

namespace LatchGateway.Sessions;

/// <summary>
/// A session store that holds codes too and consumes a code and opens its session in one atomic step (on Redis one
/// script on one slot: one round trip). Without it, the code is consumed first and the session added after.
/// </summary>
internal interface ISessionOpeningStore
{
    /// <summary>
    /// Consumes the code with <paramref name="codeDigest"/> (as <see cref="ILatchStore.ConsumeAsync"/>) and, when this
    /// call found it live and <see cref="SessionDraft.Admits"/> it, opens <paramref name="draft"/>'s session for it in
    /// the same step: a code opens at most one session, and one revoked meanwhile opens none. The session opened, or
    /// null. The call is sent before this returns.
    /// </summary>
    ValueTask<(ConsumeResult Consumed, LatchSession? Opened)> ConsumeAndOpenAsync(
        CodeDigest codeDigest, SessionDraft draft, CancellationToken cancellationToken);
}
