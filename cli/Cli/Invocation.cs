using System.CommandLine;
using Latchctl.Api;
using Latchctl.Output;

namespace Latchctl.Cli;

/// <summary>One run of one command: its parsed command line, the API client, the output, the clock.</summary>
internal sealed class Invocation(ParseResult parse, LatchApiClient api, CommandOutput output, LatchctlRuntime runtime) : IDisposable
{
    public ParseResult Parse { get; } = parse;

    public LatchApiClient Api { get; } = api;

    public CommandOutput Output { get; } = output;

    public TimeProvider Time => runtime.Time;

    public TimeSpan PollInterval => runtime.PollInterval;

    public T? Value<T>(Option<T> option) => Parse.GetValue(option);

    public T Value<T>(Argument<T> argument) => Parse.GetRequiredValue(argument);

    public void Dispose() => Api.Dispose();
}
