namespace LatchGateway.Store;

/// <summary>Where a stored code is in its life. A code leaves <see cref="Live"/> exactly once.</summary>
internal enum CodeState
{
    Live = 0,
    Consumed = 1,
    Revoked = 2,
}
