namespace LatchGateway.Notifications;

/// <summary>The events notifications are sent for, as rules name them.</summary>
public static class NotificationEvents
{
    public const string AccessRequested = "access.requested";
    public const string AccessGranted = "access.granted";
    public const string AccessDenied = "access.denied";
    public const string AccessExpired = "access.expired";
    public const string AccessBreakGlass = "access.break_glass";
    public const string CodeReplayed = "code.replayed";
    public const string Lockout = "lockout";
    public const string SessionOpened = "session.opened";

    /// <summary>A test message (<c>POST /admin/notifications/test</c>); no rule names it.</summary>
    public const string Test = "test";

    public static IReadOnlyList<string> All { get; } =
        [AccessRequested, AccessGranted, AccessDenied, AccessExpired, AccessBreakGlass, CodeReplayed, Lockout, SessionOpened];
}
