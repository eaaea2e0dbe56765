using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace LatchGateway.Configuration;

/// <summary>
/// Settings that follow configuration reloads safely. At start-up an invalid value throws (the process stops
/// with the validators' messages, naming the keys); on a reload, a valid change takes effect and an invalid one
/// is logged and ignored: the last good settings stay in force. Use this instead of
/// <see cref="IOptionsMonitor{TOptions}"/>, which would throw at request time after a bad reload.
/// </summary>
public sealed partial class LiveOptions<TOptions> : IDisposable
    where TOptions : class
{
    private readonly IOptionsFactory<TOptions> _factory;
    private readonly ILogger _logger;
    private readonly List<IDisposable> _subscriptions = [];
    private volatile TOptions _current;

    public LiveOptions(
        IOptionsFactory<TOptions> factory,
        IEnumerable<IOptionsChangeTokenSource<TOptions>> sources,
        ILogger<LiveOptions<TOptions>> logger)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentNullException.ThrowIfNull(sources);
        _factory = factory;
        _logger = logger;
        _current = factory.Create(Options.DefaultName);
        foreach (var source in sources)
        {
            _subscriptions.Add(ChangeToken.OnChange(source.GetChangeToken, Reload));
        }
    }

    /// <summary>The settings in force.</summary>
    public TOptions Current => _current;

    /// <summary>Raised after a valid reload, with the new settings.</summary>
    public event Action<TOptions>? Changed;

    public void Dispose()
    {
        foreach (var subscription in _subscriptions)
        {
            subscription.Dispose();
        }
    }

    private void Reload()
    {
        TOptions fresh;
        try
        {
            fresh = _factory.Create(Options.DefaultName);
        }
        catch (OptionsValidationException exception)
        {
            RejectedReload(_logger, typeof(TOptions).Name, string.Join(" ", exception.Failures));
            return;
        }
        catch (InvalidOperationException exception)
        {
            // A value that does not even bind (text where a number belongs).
            RejectedReload(_logger, typeof(TOptions).Name, exception.Message);
            return;
        }

        _current = fresh;
        Changed?.Invoke(fresh);
    }

    [LoggerMessage(102, LogLevel.Error, "Configuration reload rejected; the previous {Settings} stay in force: {Failures}")]
    private static partial void RejectedReload(ILogger logger, string settings, string failures);
}
