using LatchGateway.Store;

namespace LatchGateway.Validation;

/// <summary>The outcome of a presentation and, when the code was found, its record.</summary>
internal readonly record struct LatchDecision(LatchOutcome Outcome, LatchCodeRecord? Record);
