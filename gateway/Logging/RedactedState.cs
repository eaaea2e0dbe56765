using System.Collections;

namespace LatchGateway.Logging;

/// <summary>A copy of a log entry's structured state and message with every latch code masked.</summary>
internal sealed class RedactedState : IReadOnlyList<KeyValuePair<string, object?>>
{
    private readonly KeyValuePair<string, object?>[] _values;

    private RedactedState(KeyValuePair<string, object?>[] values, string message)
    {
        _values = values;
        Message = message;
    }

    public string Message { get; }

    public int Count => _values.Length;

    public KeyValuePair<string, object?> this[int index] => _values[index];

    /// <summary>
    /// Null when nothing in the entry needs masking: neither its formatted message nor any of its structured
    /// values (collections included) carries a code. Otherwise a copy with each such value and the message masked.
    /// </summary>
    public static RedactedState? TryCreate<TState>(TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var message = formatter(state, exception);
        var values = state as IReadOnlyList<KeyValuePair<string, object?>>;
        if (!SecretRedactor.MayContainSecret(message) && !AnyValueHoldsSecret(values))
        {
            return null;
        }

        var copy = new KeyValuePair<string, object?>[values?.Count ?? 0];
        for (var i = 0; i < copy.Length; i++)
        {
            var (key, value) = values![i];
            copy[i] = TextOf(value) is { } text && SecretRedactor.MayContainSecret(text)
                ? new KeyValuePair<string, object?>(key, SecretRedactor.Redact(text))
                : values[i];
        }

        return new RedactedState(copy, SecretRedactor.Redact(message));
    }

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, object?>>)_values).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => Message;

    private static bool AnyValueHoldsSecret(IReadOnlyList<KeyValuePair<string, object?>>? values)
    {
        if (values is null)
        {
            return false;
        }

        for (var i = 0; i < values.Count; i++)
        {
            if (SecretRedactor.MayContainSecret(TextOf(values[i].Value)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A value as log output shows it; null for numbers, dates and the like, which cannot hold a code.</summary>
    private static string? TextOf(object? value) => value switch
    {
        null => null,
        string text => text,
        ValueType and IConvertible => null,
        IEnumerable items => string.Join(", ", items.Cast<object?>()),
        _ => value.ToString(),
    };
}
