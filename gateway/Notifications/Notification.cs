namespace LatchGateway.Notifications;

/// <summary>
/// One message about one event, as the outbox keeps it and every channel renders it. Never carries a code, except
/// a policy's code delivery (<see cref="NotificationData.Code"/>), which only a channel with <c>CarriesCodes</c> is given.
/// </summary>
/// <param name="Id">The message's id: the <c>webhook-id</c>, the same on every attempt so receivers can drop repeats.</param>
/// <param name="Type">The event (<see cref="NotificationEvents"/>).</param>
/// <param name="Time">When the event happened.</param>
/// <param name="Data">What it is about.</param>
internal sealed record Notification(string Id, string Type, DateTimeOffset Time, NotificationData Data);

/// <summary>What a notification is about; members that do not apply are null (and left out of a webhook's <c>data</c>).</summary>
internal sealed record NotificationData
{
    /// <summary>The access request.</summary>
    public string? RequestId { get; init; }

    public string? Route { get; init; }

    /// <summary>Who asked.</summary>
    public string? Requester { get; init; }

    /// <summary>The requester's e-mail address from their token: the <c>{requester.email}</c> recipient.</summary>
    public string? RequesterEmail { get; init; }

    /// <summary>The requester's justification.</summary>
    public string? Reason { get; init; }

    /// <summary>The request's state after the event.</summary>
    public string? State { get; init; }

    /// <summary>Who has approved so far.</summary>
    public IReadOnlyList<string>? ApprovedBy { get; init; }

    public int? ApprovalsNeeded { get; init; }

    /// <summary>Who denied, or the requester for break-glass.</summary>
    public string? DecidedBy { get; init; }

    public string? DecisionReason { get; init; }

    /// <summary>The pending or pickup deadline of a request; the expiry of a delivered code.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>The code concerned (its id, never the code).</summary>
    public string? CodeId { get; init; }

    /// <summary>For a replay, a lockout or a session: the client's address.</summary>
    public string? ClientIp { get; init; }

    /// <summary>For a replay, a lockout or a session: the authenticated user, if any.</summary>
    public string? User { get; init; }

    /// <summary>For a lockout: what was locked out (<c>client_ip</c>, <c>user</c>, <c>admin_api_key</c>).</summary>
    public string? Subject { get; init; }

    /// <summary>For an opened session: its id.</summary>
    public string? SessionId { get; init; }

    /// <summary>Only in a policy's code delivery, to a channel with <c>CarriesCodes</c>: the code itself.</summary>
    public string? Code { get; init; }
}
