namespace LatchGateway.Notifications.Channels;

/// <summary>One line of a message's details, as plain text: <c>Route: orders-admin</c>.</summary>
internal readonly record struct NotificationFact(string Label, string Value);

/// <summary>A code delivered through a policy's <c>Delivery</c> channel, and when it stops working.</summary>
internal sealed record DeliveredCode(string Code, string? Expires);
