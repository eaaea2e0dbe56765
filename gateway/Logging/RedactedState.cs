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

    /// <summary>Null when nothing in the entry needs masking (the common case: nothing is copied).</summary>
    public static RedactedState? TryCreate<TState>(TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (state is IReadOnlyList<KeyValuePair<string, object?>> values)
        {
            var found = false;
            for (var i = 0; i < values.Count && !found; i++)
            {
                found = values[i].Value is { } value and not (ValueType and IConvertible) && SecretRedactor.MayContainSecret(value.ToString());
            }

            if (!found)
            {
                return null;
            }

            var copy = new KeyValuePair<string, object?>[values.Count];
            for (var i = 0; i < copy.Length; i++)
            {
                var (key, value) = values[i];
                copy[i] = value is { } v and not (ValueType and IConvertible) && SecretRedactor.MayContainSecret(v.ToString())
                    ? new KeyValuePair<string, object?>(key, SecretRedactor.Redact(v.ToString()!))
                    : values[i];
            }

            return new RedactedState(copy, SecretRedactor.Redact(formatter(state, exception)));
        }

        if (state is string text && SecretRedactor.MayContainSecret(text))
        {
            return new RedactedState([], SecretRedactor.Redact(text));
        }

        return null;
    }

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, object?>>)_values).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => Message;
}
