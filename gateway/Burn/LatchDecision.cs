using LatchGateway.Store;

namespace LatchGateway.Burn;

/// <summary>The outcome of a presentation and, when the code was found, its record.</summary>
internal readonly record struct LatchDecision(LatchOutcome Outcome, LatchCodeRecord? Record)
{
    /// <summary>Whether this presentation consumed the code: it found it live (a used or revoked code was not).</summary>
    public bool ConsumedCode => Record is not null && Outcome is not (LatchOutcome.Used or LatchOutcome.Revoked);
}
