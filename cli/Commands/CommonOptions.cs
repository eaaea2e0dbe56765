using System.CommandLine;
using Latchctl.Api;

namespace Latchctl.Commands;

/// <summary>Options and arguments several commands share, described once.</summary>
internal static class CommonOptions
{
    public static Option<string?> Route(string description, bool required = false) => new("--route", "-r")
    {
        Description = description,
        HelpName = "route",
        Required = required,
    };

    public static Option<string?> User(string description) => new("--user", "-u") { Description = description, HelpName = "user" };

    public static Option<string?> Reason(string description, bool required = false) => new("--reason")
    {
        Description = description,
        HelpName = "text",
        Required = required,
    };

    public static Option<string?> Ip(string description) => new("--ip") { Description = description, HelpName = "ip|cidr" };

    public static Option<bool> Quiet(string description) => new("--quiet", "-q") { Description = description };

    public static Option<int?> Limit(string description) => new("--limit", "-n") { Description = description, HelpName = "n" };

    public static Argument<string> Id(string description) => new("id") { Description = description };

    /// <summary>The audit event types the gateway writes, for completion (the API decides which it accepts).</summary>
    public static readonly string[] AuditTypes =
    [
        "issued", "accepted", "rejected", "revoked", "locked_out", "lockout_ended", "session_opened", "session_ended",
        "access_requested", "access_approved", "access_granted", "access_denied", "access_cancelled", "access_expired",
        "break_glass", "notification_failed",
    ];

    public static Option<string?> State()
    {
        var option = new Option<string?>("--state") { Description = "Only requests in this state", HelpName = "state" };
        option.AcceptOnlyFromAmong(AccessStates.All);
        return option;
    }
}
