namespace Latchctl.Cli;

/// <summary>The command line cannot be carried out as given (exit code 2): a bad setting, an unreadable secret file.</summary>
internal sealed class UsageException(string message) : Exception(message);
