using Microsoft.Extensions.Options;

namespace LatchGateway.Tests.Hosting;

/// <summary>An options monitor whose value a test sets, and changes, by hand.</summary>
internal sealed class TestOptionsMonitor<TOptions>(TOptions value) : IOptionsMonitor<TOptions>
{
    private readonly List<Action<TOptions, string?>> _listeners = [];

    public TOptions CurrentValue { get; private set; } = value;

    public TOptions Get(string? name) => CurrentValue;

    public IDisposable OnChange(Action<TOptions, string?> listener)
    {
        _listeners.Add(listener);
        return new Subscription(() => _listeners.Remove(listener));
    }

    /// <summary>Replaces the value and notifies every listener, as a configuration reload would.</summary>
    public void Set(TOptions value)
    {
        CurrentValue = value;
        foreach (var listener in _listeners.ToArray())
        {
            listener(value, Options.DefaultName);
        }
    }

    private sealed class Subscription(Action dispose) : IDisposable
    {
        public void Dispose() => dispose();
    }
}
