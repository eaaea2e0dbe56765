using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace LatchGateway.Tests.Logging;

/// <summary>A logger factory that records what reaches it: the state object, the formatted message and the structured values.</summary>
internal sealed class CapturingLoggerFactory : ILoggerFactory
{
    public ConcurrentQueue<Entry> Entries { get; } = new();

    public bool Enabled { get; set; } = true;

    public int FormatterCalls;

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(this, categoryName);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    internal sealed record Entry(
        string Category,
        LogLevel Level,
        EventId EventId,
        object? State,
        string Message,
        IReadOnlyList<KeyValuePair<string, object?>> Values,
        Exception? Exception);

    private sealed class CapturingLogger(CapturingLoggerFactory owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => owner.Enabled;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            Interlocked.Increment(ref owner.FormatterCalls);
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? pairs.ToList() : [];
            owner.Entries.Enqueue(new Entry(category, logLevel, eventId, state, formatter(state, exception), values, exception));
        }
    }
}
