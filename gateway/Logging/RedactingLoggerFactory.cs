namespace LatchGateway.Logging;

/// <summary>
/// Wraps the logger factory so that no log line of any category — ASP.NET Core's "Request starting … ?latch_code=…"
/// included — carries a latch code, whatever log levels an operator turns on.
/// </summary>
internal sealed class RedactingLoggerFactory(ILoggerFactory inner) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName) => new RedactingLogger(inner.CreateLogger(categoryName));

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    public void Dispose() => inner.Dispose();

    private sealed class RedactingLogger(ILogger inner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!inner.IsEnabled(logLevel))
            {
                return;
            }

            var masked = RedactedException.Mask(exception);
            if (RedactedState.TryCreate(state, exception, formatter) is { } redacted)
            {
                inner.Log(logLevel, eventId, redacted, masked, static (s, _) => s.Message);
                return;
            }

            inner.Log(logLevel, eventId, state, masked, formatter);
        }
    }
}
