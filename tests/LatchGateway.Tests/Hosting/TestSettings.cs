using LatchGateway.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace LatchGateway.Tests.Hosting;

/// <summary>
/// Settings a test sets, and changes, by hand, seen through a real <see cref="LiveOptions{TOptions}"/>:
/// <see cref="Set"/> acts as a configuration reload, validators included.
/// </summary>
internal sealed class TestSettings<TOptions> : IOptionsFactory<TOptions>, IOptionsChangeTokenSource<TOptions>, IDisposable
    where TOptions : class
{
    private readonly IValidateOptions<TOptions>[] _burners;
    private TOptions _value;
    private CancellationTokenSource _reload = new();

    public TestSettings(TOptions value, params IValidateOptions<TOptions>[] validators)
    {
        _value = value;
        _burners = validators;
        Live = new LiveOptions<TOptions>(this, [this], NullLogger<LiveOptions<TOptions>>.Instance);
    }

    public LiveOptions<TOptions> Live { get; }

    public string? Name => Options.DefaultName;

    public static implicit operator LiveOptions<TOptions>(TestSettings<TOptions> settings) => settings.Live;

    public TOptions Create(string name)
    {
        foreach (var validator in _burners)
        {
            var result = validator.Validate(name, _value);
            if (result.Failed)
            {
                throw new OptionsValidationException(name, typeof(TOptions), result.Failures);
            }
        }

        return _value;
    }

    public IChangeToken GetChangeToken() => new CancellationChangeToken(_reload.Token);

    /// <summary>Replaces the value as a configuration reload would.</summary>
    public void Set(TOptions value)
    {
        _value = value;
        var fired = _reload;
        _reload = new CancellationTokenSource();
        fired.Cancel();
        fired.Dispose();
    }

    public LiveOptions<TOptions> ToLiveOptions() => Live;

    public void Dispose()
    {
        Live.Dispose();
        _reload.Dispose();
    }
}
