namespace Latchctl.Cli;

/// <summary>What latchctl takes from its host besides the command line: the clock, and how often it polls while waiting or following.</summary>
internal sealed record LatchctlRuntime(TimeProvider Time, TimeSpan PollInterval)
{
    public static LatchctlRuntime Default { get; } = new(TimeProvider.System, TimeSpan.FromSeconds(1));
}
