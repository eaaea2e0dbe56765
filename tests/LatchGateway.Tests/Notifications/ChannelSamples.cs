using LatchGateway.Notifications;

namespace LatchGateway.Tests.Notifications;

/// <summary>Notifications as the gateway raises them, for the channel and message-text tests.</summary>
internal static class ChannelSamples
{
    public const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    public const string Code = "7KQ2-M4XD-9TPC";

    public static readonly DateTimeOffset Time = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    public static Notification Requested(string? reason = "INC-4711: refund stuck", string id = "msg_01JREQUESTED") => new(
        id,
        NotificationEvents.AccessRequested,
        Time,
        new NotificationData
        {
            RequestId = "req_01JABC",
            Route = "orders-admin",
            Requester = "alice",
            RequesterEmail = "alice@example.com",
            Reason = reason,
            State = "pending",
            ApprovedBy = ["bob"],
            ApprovalsNeeded = 2,
            ExpiresAt = Time.AddHours(1),
        });

    public static Notification Granted(string? code = null, string? requesterEmail = "alice@example.com") => new(
        "msg_01JGRANTED",
        NotificationEvents.AccessGranted,
        Time,
        new NotificationData
        {
            RequestId = "req_01JABC",
            Route = "orders-admin",
            Requester = "alice",
            RequesterEmail = requesterEmail,
            Reason = "INC-4711",
            State = "granted",
            ApprovedBy = ["bob", "carol"],
            ApprovalsNeeded = 2,
            ExpiresAt = Time.AddMinutes(15),
            Code = code,
        });

    public static NotificationChannelOptions Http(NotificationChannelType type, Uri url, TimeSpan? timeout = null, bool carriesCodes = false) => new()
    {
        Type = type,
        Url = url,
        Secret = type == NotificationChannelType.Webhook ? Secret : null,
        Timeout = timeout ?? TimeSpan.FromSeconds(5),
        CarriesCodes = carriesCodes,
    };
}
