namespace LatchGateway.Contracts;

/// <summary>Thrown when the code store cannot be reached; callers fail closed.</summary>
public sealed class LatchStoreUnavailableException : Exception
{
    public LatchStoreUnavailableException()
        : base("The latch code store is unavailable.")
    {
    }

    public LatchStoreUnavailableException(string message)
        : base(message)
    {
    }

    public LatchStoreUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
