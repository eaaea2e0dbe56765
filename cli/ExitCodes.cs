namespace Latchctl;

/// <summary>latchctl's exit codes, as the contract fixes them.</summary>
internal static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Success = 0;

    /// <summary>The API refused; its problem detail is on stderr.</summary>
    public const int Refused = 1;

    /// <summary>Bad usage: a parse error, a bad duration or time, an unusable setting.</summary>
    public const int Usage = 2;

    /// <summary>The gateway did not answer: connection refused, name not resolved, timeout.</summary>
    public const int Unreachable = 3;

    /// <summary>Interrupted (Ctrl+C) while waiting for an answer or a decision: the shell's 128 + SIGINT.</summary>
    public const int Interrupted = 130;
}
