namespace LatchGateway.Burn;

/// <summary>The precise result of one presentation on a latched route.</summary>
internal enum LatchOutcome
{
    Accepted,
    Missing,
    Invalid,
    Expired,
    Used,
    Revoked,
    RouteMismatch,
    IpMismatch,
    UserMismatch,
    LockedOut,
    Unavailable,
}

internal static class LatchOutcomeNames
{
    private static readonly string[] Names =
    [
        "accepted", "missing", "invalid", "expired", "used", "revoked",
        "route_mismatch", "ip_mismatch", "user_mismatch", "locked_out", "unavailable",
    ];

    /// <summary>The outcome as it appears in metrics and audit (<c>ip_mismatch</c>, …).</summary>
    public static string ToName(this LatchOutcome outcome) => Names[(int)outcome];

    /// <summary>Refused presentations: the ones that count as a guess.</summary>
    public static bool IsRefusal(this LatchOutcome outcome) =>
        outcome is not (LatchOutcome.Accepted or LatchOutcome.Missing or LatchOutcome.LockedOut or LatchOutcome.Unavailable);
}
