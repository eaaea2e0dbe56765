namespace LatchGateway.Lockout;

/// <summary>
/// A lockout that has run its course, handed to one replica only to be reported: its subject, when it ended, the
/// route of the refusal that imposed it (none for the admin API), and how many presentations (or admin calls) it
/// refused meanwhile — each of which was counted in metrics but not audited one by one.
/// </summary>
internal sealed record EndedLockout(LockoutSubject Subject, DateTimeOffset EndedAt, long Suppressed, string? Route);
