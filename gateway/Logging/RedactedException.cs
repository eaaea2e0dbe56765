namespace LatchGateway.Logging;

/// <summary>
/// Stands in for an exception whose text carries a latch code (Kestrel, for one, quotes a bad request target in
/// its messages): log output shows the original type, message and stack with the code masked.
/// </summary>
internal sealed class RedactedException : Exception
{
    private readonly string _text;

    private RedactedException(string text, string message)
        : base(message) => _text = text;

    public RedactedException()
        : this("", "")
    {
    }

    public RedactedException(string message)
        : this(message, message)
    {
    }

    public RedactedException(string message, Exception innerException)
        : base(message, innerException) => _text = message;

    public static Exception? Mask(Exception? exception)
    {
        if (exception is null)
        {
            return null;
        }

        var text = exception.ToString();
        return SecretRedactor.MayContainSecret(text)
            ? new RedactedException(SecretRedactor.Redact(text), SecretRedactor.Redact(exception.Message))
            : exception;
    }

    public override string ToString() => _text;
}
