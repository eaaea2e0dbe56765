namespace LatchGateway.Store;

/// <summary>
/// What an atomic consume found: the record (null when no code has that digest) and the state the
/// code was in before this presentation. Only the presentation that saw <see cref="CodeState.Live"/>
/// consumed the code.
/// </summary>
internal readonly record struct ConsumeResult(LatchCodeRecord? Record, CodeState PriorState)
{
    public static ConsumeResult NotFound => default;
}
