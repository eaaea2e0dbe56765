using LatchGateway.Store;

namespace LatchGateway.Burn;

/// <summary>The outcome of a presentation and, when the code was found, its record.</summary>
/// <param name="Outcome">What the presentation comes to.</param>
/// <param name="Record">The code's record, when one was found.</param>
/// <param name="ConsumedCode">Whether this presentation consumed the code (the store found it live), whatever the outcome.</param>
internal readonly record struct LatchDecision(LatchOutcome Outcome, LatchCodeRecord? Record, bool ConsumedCode = false);
