using System.Net;
using System.Text.Json.Serialization;

namespace LatchGateway.Contracts;

/// <summary>The states of an access request; in JSON, the contract's lower-case names.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<AccessRequestState>))]
public enum AccessRequestState
{
    /// <summary>Waiting for approvals, until its pending deadline.</summary>
    [JsonStringEnumMemberName("pending")]
    Pending,

    /// <summary>Approved (or break-glass, or a policy without review): the requester may pick up a code until the pickup deadline.</summary>
    [JsonStringEnumMemberName("granted")]
    Granted,

    /// <summary>An approver denied it.</summary>
    [JsonStringEnumMemberName("denied")]
    Denied,

    /// <summary>Its pending or pickup deadline passed.</summary>
    [JsonStringEnumMemberName("expired")]
    Expired,

    /// <summary>The requester withdrew it while it was pending.</summary>
    [JsonStringEnumMemberName("cancelled")]
    Cancelled,

    /// <summary>The requester picked up its code.</summary>
    [JsonStringEnumMemberName("issued")]
    Issued,
}

/// <summary>A person as the access API knows them: from a JWT the gateway trusts.</summary>
/// <param name="User">The user id (<c>Latch:Identity:UserClaim</c>).</param>
/// <param name="Groups">The groups (<c>Latch:Identity:GroupsClaim</c>).</param>
/// <param name="Email">The e-mail address (<c>Latch:Identity:EmailClaim</c>), if the token carries one.</param>
/// <param name="Address">The address the call came from.</param>
public sealed record AccessPerson(string User, IReadOnlySet<string> Groups, string? Email, IPAddress? Address);

/// <summary>Who reads access requests: a person (sees their own and those they may review), or an auditor who sees all.</summary>
/// <param name="Person">The person, or null for an API key with <c>access:read</c>.</param>
public sealed record AccessViewer(AccessPerson? Person)
{
    /// <summary>An API key with <c>access:read</c>: sees every request.</summary>
    public static AccessViewer Auditor { get; } = new((AccessPerson?)null);
}

/// <summary>Body of <c>POST /access/requests</c>. Only <c>route</c> is always required; the route's policy may require <c>reason</c>.</summary>
public sealed record NewAccessRequest
{
    /// <summary>Id of a latched route that has an access policy.</summary>
    public string? Route { get; init; }

    /// <summary>Why access is needed (ticket, incident); required by most policies and always for break-glass.</summary>
    public string? Reason { get; init; }

    /// <summary>Lifetime of the code once picked up, in seconds; at most the policy's MaxTtl.</summary>
    public int? TtlSeconds { get; init; }

    /// <summary>On a Session route: a shorter session than the route's SessionLifetime, in seconds.</summary>
    public int? SessionSeconds { get; init; }

    /// <summary>Bind the code to this client address or CIDR range as well.</summary>
    public string? Ip { get; init; }

    /// <summary>Grant at once, without review, where the policy allows it: audited and announced to every approver.</summary>
    public bool? BreakGlass { get; init; }
}

/// <summary>One approval of a request.</summary>
public sealed record AccessApprovalInfo(string By, DateTimeOffset At, string? Reason);

/// <summary>An access request as the API shows it.</summary>
/// <param name="ExpiresAt">The pending deadline while pending, the pickup deadline once granted; afterwards the last of them.</param>
public sealed record AccessRequestInfo(
    string Id,
    string Route,
    string Requester,
    string? Reason,
    string? Ip,
    int TtlSeconds,
    int? SessionSeconds,
    AccessRequestState State,
    bool BreakGlass,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    IReadOnlyList<AccessApprovalInfo> Approvals,
    int ApprovalsNeeded,
    string? DecidedBy,
    string? DecisionReason,
    string? CodeId);

/// <summary>Filters of <c>GET /access/requests</c>.</summary>
/// <param name="Mine">Only the caller's own requests.</param>
/// <param name="Reviewable">Only pending requests the caller may still approve.</param>
/// <param name="Limit">At most this many, newest first.</param>
public sealed record AccessRequestQuery(AccessRequestState? State, string? Route, bool Mine, bool Reviewable, int Limit);

/// <summary>Why an access call was refused; the admin API maps each to its status and <c>error</c>.</summary>
public enum AccessFailure
{
    /// <summary>400: the fields named in <see cref="AccessError.Fields"/> are wrong.</summary>
    Invalid,

    /// <summary>403 <c>access_forbidden</c>: not a requester or approver of the route, or not the requester.</summary>
    Forbidden,

    /// <summary>403 <c>self_approval</c>: an approver reviewing their own request.</summary>
    SelfApproval,

    /// <summary>404: no request the caller may see has this id.</summary>
    NotFound,

    /// <summary>409 <c>access_conflict</c>: already decided, already reviewed by this approver, picked up, or expired.</summary>
    Conflict,
}

/// <summary>A refused access call: why, in words, and for <see cref="AccessFailure.Invalid"/> the fields.</summary>
public sealed record AccessError(AccessFailure Failure, string Detail, IDictionary<string, string[]>? Fields = null)
{
    public static AccessError Invalid(string field, string message) => new(AccessFailure.Invalid, message, new Dictionary<string, string[]> { [field] = [message] });
}

/// <summary>The result of an access call: a value, or the error that refused it.</summary>
public readonly record struct AccessResult<T>(T? Value, AccessError? Error)
    where T : class
{
    public static implicit operator AccessResult<T>(T value) => new(value, null);

    public static implicit operator AccessResult<T>(AccessError error) => new(null, error);
}
